package io.countersign.siem;

import static io.countersign.siem.OcsfEvents.putText;
import static io.countersign.siem.OcsfEvents.strings;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Log entries as Elastic Common Schema 8.x documents.
 * <ul>
 * <li>{@code event.kind} is {@code event}; decisions and approval events are {@code event.category: ["iam"]},
 * policy loads {@code ["configuration"]}. A decision's {@code event.type} is {@code allowed}, {@code denied},
 * or {@code info} while it waits for approval; approval events and policy loads are {@code change}.</li>
 * <li>{@code event.outcome}: ALLOW {@code success}, DENY {@code failure}, REQUIRE_APPROVAL {@code unknown};
 * an approval event or policy load that is in the log happened: {@code success}.</li>
 * <li>{@code event.id} is the decision id, or for other entries the chain hash (they have no id of their
 * own); {@code event.sequence} the log sequence; {@code event.hash} the chain hash.</li>
 * <li>{@code rule.id}/{@code rule.name} list the rule ids, {@code rule.ruleset} is the policy version.</li>
 * <li>Countersign's own facts are under {@code countersign.*}: outcome, approval id and status, controls,
 * chain and previous hash, resource, vote, channel, break-glass. Request attributes are not copied (they
 * would add a field per attribute to the index); {@code GET /v1/log} has the whole entry.</li>
 * </ul>
 */
final class EcsDocuments {
    static final String VERSION = "8.11.0";

    private EcsDocuments() {
    }

    static ObjectNode of(LoggedEvent e) {
        ObjectNode out = LoggedEvent.JSON.createObjectNode();
        out.put("@timestamp", e.recordedAt().toString());
        out.putObject("ecs").put("version", VERSION);
        out.put("message", e.message());

        ObjectNode event = out.putObject("event");
        event.put("kind", "event");
        event.set("category", strings(List.of(e.isPolicy() ? "configuration" : "iam")));
        String outcome = e.outcome();
        String type = !e.isDecision() ? "change"
                : "ALLOW".equals(outcome) ? "allowed" : "DENY".equals(outcome) ? "denied" : "info";
        event.set("type", strings(List.of(type)));
        putText(event, "action", e.action());
        event.put("outcome", outcome == null || "ALLOW".equals(outcome) ? "success"
                : "DENY".equals(outcome) ? "failure" : "unknown");
        event.put("id", e.isDecision() && e.decisionId() != null ? e.decisionId() : e.hash());
        event.put("sequence", e.sequence());
        event.put("hash", e.hash());
        event.put("dataset", "countersign.decision_log");
        event.put("provider", "countersign");
        if (e.isDecision()) {
            JsonNode first = e.reasons().path(0);
            putText(event, "reason", LoggedEvent.text(first, "message"));
        }

        String actor = e.actorId();
        if (actor != null) {
            ObjectNode user = out.putObject("user");
            user.put("id", actor);
            user.put("name", actor);
            List<String> groups = e.actorGroups();
            if (!groups.isEmpty()) {
                user.set("roles", strings(groups));
            }
        }
        List<String> rules = e.rules();
        if (!rules.isEmpty() || e.policyVersion() != null) {
            ObjectNode rule = out.putObject("rule");
            if (!rules.isEmpty()) {
                rule.set("id", strings(rules));
                rule.set("name", strings(rules));
            }
            putText(rule, "ruleset", e.policyVersion());
        }
        ObjectNode service = out.putObject("service");
        service.put("name", "countersign");
        service.put("type", "countersign");

        ObjectNode own = out.putObject("countersign");
        own.put("kind", e.kind());
        putText(own, "outcome", outcome);
        putText(own, "approval_id", e.approvalId());
        putText(own, "approval_status", e.approvalStatus());
        own.put("chain_hash", e.hash());
        own.put("prev_hash", e.prevHash());
        if (e.isDecision()) {
            own.set("controls", strings(e.controls()));
            putText(own, "caller_type", e.actorType());
            putText(own, "on_behalf_of", e.onBehalfOf());
            putText(own, "action_digest", LoggedEvent.text(e.entry(), "actionDigest"));
            JsonNode r = e.resource();
            ObjectNode resource = own.putObject("resource");
            for (String field : List.of("type", "id", "environment", "classification")) {
                putText(resource, field, LoggedEvent.text(r, field));
            }
            JsonNode context = e.entry().path("request").path("context");
            putText(own, "reason", LoggedEvent.text(context, "reason"));
            putText(own, "ticket", LoggedEvent.text(context, "ticket"));
            putText(own, "approval_use", LoggedEvent.text(e.entry().path("approvalUse"), "result"));
        } else if (e.isApproval()) {
            OcsfEvents.approvalFacts(e, own);
        } else if (e.isPolicy()) {
            putText(own, "previous_policy_version", LoggedEvent.text(e.entry(), "previousVersion"));
        }
        return out;
    }
}
