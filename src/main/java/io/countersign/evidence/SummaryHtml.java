package io.countersign.evidence;

import java.util.List;
import java.util.Map;

/**
 * {@code summary.html}: the bundle for people. One self-contained page (no scripts, no fonts, no network),
 * charts drawn as inline SVG; every piece of text from the log is escaped, since agents wrote some of it.
 */
final class SummaryHtml {
    private static final String[] COLOURS = { "#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#c53030" };

    private SummaryHtml() {
    }

    static String render(BundleFacts facts) {
        PopulationStats s = facts.stats();
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
                .append("<title>Countersign evidence ").append(esc(facts.query().framework().name())).append("</title>")
                .append("<style>body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#1a202c}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #cbd5e0;padding:.25em .6em;")
                .append("text-align:left}td.n{text-align:right}.bad{color:#c53030;font-weight:bold}.ok{color:#2f855a}</style>")
                .append("</head><body>\n");
        h.append("<h1>Countersign evidence: ").append(esc(facts.query().framework().name()));
        if (facts.query().control() != null) {
            h.append(" ").append(esc(facts.query().control()));
        }
        h.append("</h1>\n<p>Period <b>").append(esc(facts.query().from().toString())).append("</b> to <b>")
                .append(esc(facts.query().to().toString())).append("</b> (entries recorded at or after the start and before the end). ")
                .append("Generated ").append(esc(facts.generatedAt())).append(". Policy in force: <code>")
                .append(esc(facts.policyInForce())).append("</code>.</p>\n");
        if (facts.empty()) {
            h.append("<p class=\"bad\">The period is empty: no decision log entry was recorded in it. The bundle still ")
                    .append("pins the chain at the entry before the period.</p>\n");
        } else {
            h.append("<p>").append(s.entries).append(" log entries, sequence ").append(facts.firstSequence()).append(" to ")
                    .append(facts.lastSequence()).append(", with no gaps: ").append(s.decisions).append(" decisions, ")
                    .append(s.approvalEvents).append(" approval events, ").append(s.policyEvents).append(" policy loads.</p>\n");
        }

        h.append("<h2>Decisions by outcome</h2>\n");
        table(h, "outcome", "decisions", s.outcomes);
        chart(h, s.outcomes);

        h.append("<h2>Approvals</h2>\n<p>").append(s.approvalRequestsOpened).append(" approval requests opened in the period, ")
                .append(s.votes).append(" votes. Time from request to approval: median ")
                .append(esc(duration(s.timeToApprove.quantile(0.5)))).append(", 95th percentile ")
                .append(esc(duration(s.timeToApprove.quantile(0.95)))).append(" (over ").append(s.timeToApprove.count())
                .append(" approvals requested in the period).</p>\n");
        h.append("<h3>Requests by final status</h3>\n");
        table(h, "status", "requests", s.requestStatuses);
        h.append("<h3>Approvals by approver group</h3>\n");
        table(h, "group", "approved requests", s.approvalsByGroup);
        chart(h, s.approvalsByGroup);

        h.append("<h2>Anomalies</h2>\n<ul>\n");
        anomaly(h, "chain", facts.chainProblem() == null ? 0 : 1, facts.chainProblem() == null
                ? "the hash chain of the population is intact" : "the hash chain is broken: " + facts.chainProblem(), List.of());
        anomaly(h, "expired", s.expired, s.expired + " request(s) expired", s.expiredSample);
        anomaly(h, "break-glass", s.breakGlass, s.breakGlass + " break-glass approval(s)", s.breakGlassSample);
        anomaly(h, "self", s.selfApprovals, s.selfApprovals + " request(s) with a vote by the requester or the principal it acted for", List.of());
        anomaly(h, "use", s.usedBeforeApproval, s.usedBeforeApproval + " approval(s) used before they were decided", List.of());
        h.append("</ul>\n");

        h.append("<h2>Controls</h2>\n<table><tr><th>control</th><th>title</th><th>rules</th><th>decisions</th><th>approval requests</th></tr>\n");
        for (BundleFacts.ControlEvidence c : facts.controls()) {
            h.append("<tr><td>").append(esc(c.control().id())).append("</td><td>").append(esc(c.control().title()))
                    .append("</td><td>").append(esc(String.join(", ", c.rules()))).append("</td><td class=\"n\">")
                    .append(c.decisions()).append("</td><td class=\"n\">").append(c.approvalRequests()).append("</td></tr>\n");
        }
        h.append("</table>\n<p>Verify this bundle offline with <code>countersign verify-bundle FILE --public-key KEY</code>.</p>\n")
                .append("</body></html>\n");
        return h.toString();
    }

    private static void table(StringBuilder h, String key, String value, Map<String, Long> rows) {
        if (rows.isEmpty()) {
            h.append("<p>None.</p>\n");
            return;
        }
        h.append("<table><tr><th>").append(esc(key)).append("</th><th>").append(esc(value)).append("</th></tr>\n");
        rows.forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td class=\"n\">").append(v).append("</td></tr>\n"));
        h.append("</table>\n");
    }

    /** A horizontal bar chart, one bar per row, scaled to the largest. */
    private static void chart(StringBuilder h, Map<String, Long> rows) {
        if (rows.isEmpty()) {
            return;
        }
        long max = rows.values().stream().mapToLong(Long::longValue).max().orElse(1);
        int height = rows.size() * 26 + 10;
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"").append(height)
                .append("\" role=\"img\" font-size=\"12\" font-family=\"sans-serif\">\n");
        int i = 0;
        for (Map.Entry<String, Long> row : rows.entrySet()) {
            int y = 5 + i * 26;
            long width = Math.max(1, Math.round(400.0 * row.getValue() / Math.max(1, max)));
            h.append("<text x=\"0\" y=\"").append(y + 15).append("\">").append(esc(shorten(row.getKey()))).append("</text>")
                    .append("<rect x=\"170\" y=\"").append(y).append("\" width=\"").append(width).append("\" height=\"20\" fill=\"")
                    .append(COLOURS[i % COLOURS.length]).append("\"/>")
                    .append("<text x=\"").append(175 + width).append("\" y=\"").append(y + 15).append("\">").append(row.getValue())
                    .append("</text>\n");
            i++;
        }
        h.append("</svg>\n");
    }

    private static void anomaly(StringBuilder h, String id, long count, String text, List<String> sample) {
        h.append("<li id=\"anomaly-").append(id).append("\" class=\"").append(count == 0 ? "ok" : "bad").append("\">")
                .append(esc(count == 0 && !"chain".equals(id) ? "none: " + text : text));
        if (!sample.isEmpty()) {
            h.append(": ").append(esc(String.join(", ", sample))).append(sample.size() < count ? ", …" : "");
        }
        h.append("</li>\n");
    }

    private static String shorten(String text) {
        return text.length() > 26 ? text.substring(0, 25) + "…" : text;
    }

    static String duration(long seconds) {
        if (seconds == -1) {
            return "n/a";
        }
        if (seconds == -2) {
            return "over 120 days";
        }
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7_200) {
            return (seconds / 60) + " min";
        }
        return String.format(java.util.Locale.ROOT, "%.1f h", seconds / 3600.0);
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
