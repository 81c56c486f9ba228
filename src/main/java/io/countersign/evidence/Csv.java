package io.countersign.evidence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * CSV as RFC 4180 writes it (quoted when needed, quotes doubled, CRLF between records), with cells that a
 * spreadsheet would run as a formula ({@code = + - @}, tab, CR first) defused by a leading {@code '}: the
 * population holds text agents wrote, and an auditor opens it in a spreadsheet.
 */
final class Csv {
    private Csv() {
    }

    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = value;
        char first = text.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            text = "'" + text;
        }
        boolean quote = false;
        for (int i = 0; i < text.length() && !quote; i++) {
            char c = text.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return quote ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    static void row(Writer out, String... cells) {
        try {
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(cell(cells[i]));
            }
            out.write("\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
