package io.countersign.evidence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.countersign.policy.api.Request;

/**
 * Turns log entries, in chain order, into the spreadsheet views of a bundle ({@code decisions.csv}, one row
 * per decision; {@code approvals.csv}, one row per request with every vote) and the figures of its reports.
 * It reads nothing but the entries, so {@code verify-bundle} rebuilds both files from {@code log.jsonl} and
 * compares. Memory is flat in the number of entries: only requests still open (pending, or approved and
 * not yet used) are held, and each is written out once it is used, denied, expired or cancelled.
 */
final class Population {
    static final String[] DECISION_COLUMNS = { "sequence", "recorded_at", "decision_id", "caller", "caller_type",
            "on_behalf_of", "action", "resource_type", "resource_id", "environment", "classification", "outcome",
            "rules", "controls", "policy_version", "approval_id", "approvers", "approved_at", "used_at" };
    static final String[] APPROVAL_COLUMNS = { "approval_id", "decision_id", "requester", "on_behalf_of", "action",
            "resource", "approver_groups", "quorum", "requested_at", "status", "decided_at", "votes",
            "approvers_differ_from_requester", "used_at", "used_by_decision", "approved_before_use", "break_glass",
            "first_sequence", "last_sequence", "note" };
    static final String BEFORE_PERIOD = "opened before the period: request details are in earlier entries";

    private record Vote(String voter, String vote, String at, String channel, boolean breakGlass) {
        String describe() {
            return voter + " " + vote + " at " + at + " via " + channel + (breakGlass ? " (break-glass)" : "");
        }
    }

    /** What the population says about one approval request so far. */
    private static final class Pending {
        final String id;
        String decisionId;
        String requester;
        String onBehalfOf;
        String action;
        String resource;
        List<String> groups = List.of();
        String quorum = "";
        String requestedAt;
        String status = "PENDING";
        String decidedAt;
        String usedAt;
        String usedBy;
        boolean breakGlass;
        long firstSequence;
        long lastSequence;
        List<String> controls = List.of();
        boolean openedInPeriod;
        final List<Vote> votes = new ArrayList<>(2);

        Pending(String id, long sequence) {
            this.id = id;
            this.firstSequence = sequence;
            this.lastSequence = sequence;
        }
    }

    private final Writer decisions;
    private final Writer approvals;
    private final Map<String, Pending> open = new LinkedHashMap<>();
    final PopulationStats stats = new PopulationStats();

    Population(Writer decisions, Writer approvals) {
        this.decisions = decisions;
        this.approvals = approvals;
        Csv.row(decisions, DECISION_COLUMNS);
        Csv.row(approvals, APPROVAL_COLUMNS);
    }

    /** The next entry of the chain: {@code body} is {@code {"entry", "kind", "recordedAt", "sequence"}}. */
    void add(long sequence, JsonNode body) {
        String kind = text(body, "kind");
        String recordedAt = text(body, "recordedAt");
        JsonNode entry = body.path("entry");
        stats.entry(kind, recordedAt);
        switch (kind == null ? "" : kind) {
            case "decision" -> decision(sequence, recordedAt, entry);
            case "approval" -> approval(sequence, entry);
            case "policy" -> stats.policyEvents++;
            default -> {
            }
        }
    }

    /** Writes the requests still open at the end of the population, in the order they appeared. */
    void finish() {
        for (Pending p : List.copyOf(open.values())) {
            close(p);
        }
        try {
            decisions.flush();
            approvals.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void decision(long sequence, String recordedAt, JsonNode entry) {
        String outcome = text(entry, "outcome");
        String decisionId = text(entry, "decisionId");
        String policyVersion = text(entry, "policyVersion");
        JsonNode request = entry.path("request");
        JsonNode resource = request.path("resource");
        Set<String> rules = new LinkedHashSet<>();
        Set<String> controls = new LinkedHashSet<>();
        List<String> approvalControls = new ArrayList<>();
        for (JsonNode reason : entry.path("reasons")) {
            rules.add(reason.path("rule").asText());
            for (JsonNode control : reason.path("controls")) {
                controls.add(control.asText());
                if ("REQUIRE_APPROVAL".equals(text(reason, "outcome"))) {
                    approvalControls.add(control.asText());
                }
            }
        }
        stats.decision(outcome, policyVersion, controls);

        String approvalId = null;
        String approvers = null;
        String approvedAt = null;
        String usedAt = null;
        JsonNode approval = entry.path("approval");
        if (approval.isObject()) {
            approvalId = text(approval, "id");
            Pending p = open.get(approvalId);
            if (p == null) {
                // A decision answers with the request it opened, or with the same pending request when the
                // caller asks again. First seen pending, it is taken as opened here; the request's own events
                // name the decision that opened it and correct that when it was opened before the period.
                p = new Pending(approvalId, sequence);
                p.status = text(approval, "status");
                p.openedInPeriod = "PENDING".equals(p.status);
                if (p.openedInPeriod) {
                    p.decisionId = decisionId;
                    p.requestedAt = text(entry, "decidedAt");
                    p.controls = List.copyOf(new LinkedHashSet<>(approvalControls));
                    stats.approvalRequestsOpened++;
                }
                p.requester = text(entry.path("caller"), "id");
                p.onBehalfOf = text(request, "onBehalfOf");
                p.action = text(request, "action");
                p.resource = resource(resource);
                List<String> groups = new ArrayList<>();
                approval.path("approverGroups").forEach(g -> groups.add(g.asText()));
                p.groups = groups;
                p.quorum = approval.path("quorum").asText("");
                open.put(approvalId, p);
            }
            p.lastSequence = sequence;
        }
        JsonNode use = entry.path("approvalUse");
        if (use.isObject()) {
            approvalId = text(use, "approvalId");
            Pending p = open.get(approvalId);
            if ("consumed".equals(text(use, "result"))) {
                if (p == null) {
                    p = new Pending(approvalId, sequence);
                    p.requester = text(entry.path("caller"), "id");
                    p.status = "APPROVED";
                    open.put(approvalId, p);
                }
                p.lastSequence = sequence;
                p.status = "CONSUMED";
                p.usedAt = text(entry, "decidedAt");
                p.usedBy = decisionId;
                approvers = String.join(";", approvers(p));
                approvedAt = p.decidedAt;
                usedAt = p.usedAt;
                close(p);
            } else if (use.has("expired") && p != null) {
                p.lastSequence = sequence;
                p.status = "EXPIRED";
                stats.expired(approvalId);
                close(p);
            }
        }
        Csv.row(decisions, Long.toString(sequence), recordedAt, decisionId, text(entry.path("caller"), "id"),
                text(entry.path("caller"), "type"), text(request, "onBehalfOf"), text(request, "action"),
                text(resource, "type"), text(resource, "id"), text(resource, "environment"),
                text(resource, "classification"), outcome, String.join(";", rules), String.join(";", controls),
                policyVersion, approvalId, approvers, approvedAt, usedAt);
    }

    private void approval(long sequence, JsonNode entry) {
        String id = text(entry, "approvalId");
        if (id == null) {
            return;
        }
        String event = text(entry, "event");
        String at = text(entry, "at");
        Pending p = open.get(id);
        if (p == null) {
            p = new Pending(id, sequence);
            p.decisionId = text(entry, "decisionId");
            p.requester = text(entry, "requester");
            open.put(id, p);
        }
        p.lastSequence = sequence;
        p.status = text(entry, "status");
        String openedBy = text(entry, "decisionId");
        if (openedBy != null && !openedBy.equals(p.decisionId)) {
            if (p.openedInPeriod) {
                stats.approvalRequestsOpened--;
            }
            p.decisionId = openedBy;
            p.openedInPeriod = false;
            p.requestedAt = null;
            p.controls = List.of();
        }
        JsonNode voter = entry.path("voter");
        if (voter.isObject()) {
            boolean glass = entry.path("breakGlass").asBoolean(false);
            p.votes.add(new Vote(text(voter, "id"), text(entry, "vote"), at, text(entry, "channel"), glass));
            stats.votes++;
            if (glass) {
                p.breakGlass = true;
                stats.breakGlass(id);
            }
        }
        switch (event == null ? "" : event) {
            case "approved" -> {
                p.decidedAt = at;
                stats.approved(p.groups.isEmpty() ? List.of("(opened before the period)") : p.groups,
                        between(p.requestedAt, at));
            }
            case "denied", "cancelled" -> {
                p.decidedAt = at;
                close(p);
            }
            case "expired" -> {
                stats.expired(id);
                close(p);
            }
            default -> {
            }
        }
    }

    private void close(Pending p) {
        open.remove(p.id);
        String differ = "";
        if (!p.votes.isEmpty()) {
            boolean self = p.votes.stream().anyMatch(v -> Request.samePerson(v.voter(), p.requester)
                    || Request.samePerson(v.voter(), p.onBehalfOf));
            differ = self ? "no" : "yes";
            if (self) {
                stats.selfApprovals++;
            }
        }
        String beforeUse = "";
        if (p.usedAt != null) {
            Instant decided = instant(p.decidedAt);
            Instant used = instant(p.usedAt);
            boolean ok = decided != null && used != null && !decided.isAfter(used);
            beforeUse = ok ? "yes" : p.decidedAt == null ? "approved before the period" : "no";
            if (!ok && p.decidedAt != null) {
                stats.usedBeforeApproval++;
            }
        }
        stats.request(p.status, p.controls);
        Csv.row(approvals, p.id, p.decisionId, p.requester, p.onBehalfOf, p.action, p.resource, String.join(";", p.groups),
                p.quorum, p.requestedAt, p.status, p.decidedAt,
                String.join("; ", p.votes.stream().map(Vote::describe).toList()), differ, p.usedAt, p.usedBy, beforeUse,
                p.breakGlass ? "yes" : "no", Long.toString(p.firstSequence), Long.toString(p.lastSequence),
                p.openedInPeriod ? "" : BEFORE_PERIOD);
    }

    private static List<String> approvers(Pending p) {
        return p.votes.stream().filter(v -> "APPROVE".equals(v.vote())).map(Vote::voter).toList();
    }

    private static String resource(JsonNode resource) {
        if (!resource.isObject()) {
            return null;
        }
        String env = text(resource, "environment");
        return text(resource, "type") + ":" + text(resource, "id") + (env == null ? "" : " (" + env + ")");
    }

    private static Duration between(String from, String to) {
        if (from == null || to == null) {
            return null;
        }
        Instant start = instant(from);
        Instant end = instant(to);
        return start == null || end == null ? null : Duration.between(start, end);
    }

    /**
     * An ISO-8601 instant, or null. The log writes {@code 2026-11-21T21:12:54.137200Z}; that shape is read
     * directly (Instant.parse showed in profiles of a million entries), anything else through Instant.parse.
     */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        Instant quick = utc(text);
        if (quick != null) {
            return quick;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with 1 to 9 fraction digits; null for any other text. */
    static Instant utc(String t) {
        int n = t.length();
        if (n < 20 || n > 30 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':' || t.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21;
            if (t.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(t, 20, fraction);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        } else if (t.charAt(19) != 'Z') {
            return null;
        }
        if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    private static int digits(String t, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }
}
