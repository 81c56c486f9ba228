package io.countersign.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cells as RFC 4180 writes them, with spreadsheet formulas defused. */
class CsvTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "plain text stays             | abc              | abc",
            "a comma is quoted            | a,b              | `\"a,b\"`",
            "quotes are doubled           | say \"hi\"       | `\"say \"\"hi\"\"\"`",
            "a formula gets a quote mark  | =1+2             | '=1+2",
            "plus                         | +1               | '+1",
            "minus                        | -1               | '-1",
            "at                           | @SUM(A1)         | '@SUM(A1)",
            "a formula with a comma       | =HYPERLINK(a,b)  | `\"'=HYPERLINK(a,b)\"`" })
    void cells(String note, String value, String written) {
        assertEquals(written, Csv.cell(value));
    }

    @Test
    void tabCarriageReturnAndNewlines() {
        assertEquals("'\tx", Csv.cell("\tx"));
        assertEquals("\"'\rx\"", Csv.cell("\rx"));
        assertEquals("\"a\nb\"", Csv.cell("a\nb"));
        assertEquals("", Csv.cell(null));
    }

    @Test
    void recordsEndWithCrlf() {
        StringWriter out = new StringWriter();
        Csv.row(out, "a", null, "b,c");
        Csv.row(out, "d");
        assertEquals("a,,\"b,c\"\r\nd\r\n", out.toString());
    }
}
