package io.countersign.siem;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.audit.LogReader.StoredEntry;

/**
 * What both SIEM shapes read from one log entry: the stamped fields of the chain, and the facts of a
 * decision, an approval event or a policy load, named once so that OCSF and ECS cannot disagree.
 */
record LoggedEvent(long sequence, String kind, Instant recordedAt, String hash, String prevHash, JsonNode entry) {
    static final ObjectMapper JSON = new ObjectMapper();

    static LoggedEvent of(StoredEntry stored) {
        JsonNode body;
        try {
            body = JSON.readTree(stored.body());
        } catch (IOException e) {
            throw new IllegalStateException("log entry " + stored.sequence() + " is not JSON: " + e.getMessage(), e);
        }
        return new LoggedEvent(stored.sequence(), body.path("kind").asText(""),
                Instant.parse(body.path("recordedAt").asText()), "sha256:" + stored.hash(),
                "sha256:" + stored.prevHash(), body.path("entry"));
    }

    boolean isDecision() {
        return "decision".equals(kind);
    }

    boolean isApproval() {
        return "approval".equals(kind);
    }

    boolean isPolicy() {
        return "policy".equals(kind);
    }

    /** {@code ALLOW}, {@code REQUIRE_APPROVAL} or {@code DENY} for a decision; null otherwise. */
    String outcome() {
        return isDecision() ? text(entry, "outcome") : null;
    }

    /**
     * What was done: a decision's requested action ({@code aws.s3.export}); for the rest {@code approval.vote},
     * {@code approval.expire}, {@code approval.cancel}, {@code policy.load}, {@code policy.reload}.
     */
    String action() {
        if (isDecision()) {
            return text(entry.path("request"), "action");
        }
        String event = text(entry, "event");
        if (isApproval()) {
            if (entry.path("voter").isObject()) {
                return "approval.vote";
            }
            return "approval." + switch (event == null ? "" : event) {
                case "expired" -> "expire";
                case "cancelled" -> "cancel";
                default -> event;
            };
        }
        if (isPolicy()) {
            return "policy." + ("reloaded".equals(event) ? "reload" : "loaded".equals(event) ? "load" : event);
        }
        return kind;
    }

    /** Who acted: the caller of a decision, the voter, whoever cancelled or reloaded; null for the service itself. */
    String actorId() {
        if (isDecision()) {
            return text(entry.path("caller"), "id");
        }
        if (entry.path("voter").isObject()) {
            return text(entry.path("voter"), "id");
        }
        return text(entry, "by");
    }

    /** {@code agent} or {@code human}, when known. */
    String actorType() {
        JsonNode who = isDecision() ? entry.path("caller") : entry.path("voter");
        return text(who, "type");
    }

    List<String> actorGroups() {
        JsonNode who = isDecision() ? entry.path("caller") : entry.path("voter");
        return strings(who.path("groups"));
    }

    String decisionId() {
        return text(entry, "decisionId");
    }

    /** The approval request a decision opened, presented or used, or that an approval event changed. */
    String approvalId() {
        if (isApproval()) {
            return text(entry, "approvalId");
        }
        String opened = text(entry.path("approval"), "id");
        return opened != null ? opened : text(entry.path("approvalUse"), "approvalId");
    }

    /** The request's status after an approval event, or as the decision answered it. */
    String approvalStatus() {
        return isApproval() ? text(entry, "status") : text(entry.path("approval"), "status");
    }

    String policyVersion() {
        return text(entry, "policyVersion");
    }

    /** Rule ids in the order of the reasons, each once. */
    List<String> rules() {
        Set<String> rules = new LinkedHashSet<>();
        entry.path("reasons").forEach(r -> rules.add(r.path("rule").asText()));
        return List.copyOf(rules);
    }

    /** Control ids of every reason, each once. */
    List<String> controls() {
        Set<String> controls = new LinkedHashSet<>();
        entry.path("reasons").forEach(r -> r.path("controls").forEach(c -> controls.add(c.asText())));
        return List.copyOf(controls);
    }

    JsonNode reasons() {
        return entry.path("reasons");
    }

    JsonNode resource() {
        return entry.path("request").path("resource");
    }

    String onBehalfOf() {
        return text(entry.path("request"), "onBehalfOf");
    }

    boolean breakGlass() {
        return entry.path("breakGlass").asBoolean(false);
    }

    /** One line a person can read in a SIEM's event list. */
    String message() {
        if (isDecision()) {
            JsonNode r = resource();
            return outcome() + " " + action() + " on " + text(r, "type") + "/" + text(r, "id") + " for " + actorId()
                    + (onBehalfOf() == null ? "" : " on behalf of " + onBehalfOf());
        }
        if (isApproval()) {
            String vote = text(entry, "vote");
            return "approval " + approvalId() + (vote == null ? "" : ": " + vote + " by " + actorId())
                    + (breakGlass() ? " (break-glass)" : "") + ", now " + approvalStatus();
        }
        if (isPolicy()) {
            return "policy " + policyVersion() + " " + text(entry, "event") + (actorId() == null ? "" : " by " + actorId());
        }
        return kind + " entry " + sequence;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
