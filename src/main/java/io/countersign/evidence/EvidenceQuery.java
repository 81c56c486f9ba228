package io.countersign.evidence;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.countersign.compliance.ControlCatalogue;
import io.countersign.compliance.Framework;
import io.countersign.http.Problems;

/**
 * What a bundle covers: entries recorded in {@code [from, to)}, reported against one framework (or one of
 * its controls). A date alone means the whole day in UTC: {@code from=2026-07-01&to=2026-09-30} is Q3.
 *
 * @param control the qualified control id ({@code SOC2:CC6.1}), or null for every control of the framework
 */
record EvidenceQuery(Instant from, Instant to, Framework framework, String control) {
    /** Checks the parameters as given; each problem is a 400 naming its parameter. */
    static EvidenceQuery parse(String from, String to, String framework, String control, Duration maxRange,
            ControlCatalogue catalogue) {
        Instant start = time("from", from, false);
        Instant end = time("to", to, true);
        if (start.isAfter(end)) {
            throw Problems.badParameter("from", "from (" + start + ") is after to (" + end + ")").exception();
        }
        if (!start.isBefore(end)) {
            throw Problems.badParameter("to", "the period is empty: to must be after from").exception();
        }
        if (Duration.between(start, end).compareTo(maxRange) > 0) {
            throw Problems.badParameter("to", "the period is longer than the " + maxRange.toDays()
                    + " days one bundle may cover (countersign.evidence.max-range); split it").exception();
        }
        if (framework == null || framework.isBlank()) {
            throw Problems.badParameter("framework", "required: SOC2, ISO27001 or FEDRAMP").exception();
        }
        Framework chosen;
        try {
            chosen = Framework.valueOf(framework.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Problems.badParameter("framework", "unknown framework " + quote(framework)
                    + ": SOC2, ISO27001 or FEDRAMP").exception();
        }
        String qualified = null;
        if (control != null && !control.isBlank()) {
            String id = control.strip();
            qualified = id.contains(":") ? id : chosen.name() + ":" + id;
            if (!qualified.startsWith(chosen.name() + ":") || catalogue.find(qualified).isEmpty()) {
                throw Problems.badParameter("control", "no control " + quote(control) + " in the " + chosen.name()
                        + " catalogue").exception();
            }
        }
        return new EvidenceQuery(start, end, chosen, qualified);
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", from.toString());
        m.put("to", to.toString());
        m.put("framework", framework.name());
        m.put("control", control);
        return m;
    }

    private static Instant time(String name, String value, boolean endOfDay) {
        if (value == null || value.isBlank()) {
            throw Problems.badParameter(name, "required: an ISO-8601 date (2026-07-01) or time (2026-07-01T00:00:00Z)")
                    .exception();
        }
        String text = value.strip();
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw Problems.badParameter(name, "not an ISO-8601 date (2026-07-01) or time with an offset "
                    + "(2026-07-01T00:00:00Z): " + quote(value)).exception();
        }
    }

    private static String quote(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return "'" + shown + "'";
    }
}
