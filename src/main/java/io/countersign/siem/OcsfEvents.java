package io.countersign.siem;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Log entries as OCSF 1.3.0 API Activity events (class 6003, category 6 Application Activity).
 * <ul>
 * <li>A decision is {@code activity_id} 99 (Other, {@code activity_name} "Decision"): it neither creates,
 * reads, updates nor deletes anything, it authorizes. {@code api.operation} is the requested action,
 * {@code api.request.uid} the decision id; each reason is one {@code actor.authorizations[]} with the rule's
 * {@code decision} and the rule as {@code policy} ({@code uid}/{@code name} = rule id, {@code version} = policy
 * version). ALLOW is status Success, DENY Failure, REQUIRE_APPROVAL Other; {@code status_detail} is the outcome.</li>
 * <li>Approval events (votes, expiry, cancellation) and policy loads are 3 (Update) of the approval request or
 * of the policy, with {@code api.operation} {@code approval.vote}, {@code approval.expire},
 * {@code approval.cancel}, {@code policy.load}, {@code policy.reload}; {@code status_detail} is the request's
 * status after the event.</li>
 * <li>{@code metadata.uid} is the entry's chain hash, {@code metadata.sequence} its log sequence,
 * {@code metadata.correlation_uid} the approval request, so a request's whole story is one search.</li>
 * <li>{@code src_endpoint} (required by the class) is left out: the log records no network addresses, and
 * none is invented.</li>
 * <li>Everything else the entry says is under {@code unmapped}.</li>
 * </ul>
 */
final class OcsfEvents {
    static final String VERSION = "1.3.0";
    static final int CLASS_UID = 6003;
    static final int CATEGORY_UID = 6;

    private OcsfEvents() {
    }

    static ObjectNode of(LoggedEvent e) {
        ObjectNode out = LoggedEvent.JSON.createObjectNode();
        int activity = e.isDecision() ? 99 : e.isApproval() || e.isPolicy() ? 3 : 0;
        String activityName = switch (activity) {
            case 99 -> "Decision";
            case 3 -> "Update";
            default -> "Unknown";
        };
        out.put("activity_id", activity);
        out.put("activity_name", activityName);
        out.put("category_uid", CATEGORY_UID);
        out.put("category_name", "Application Activity");
        out.put("class_uid", CLASS_UID);
        out.put("class_name", "API Activity");
        out.put("type_uid", CLASS_UID * 100 + activity);
        out.put("type_name", "API Activity: " + activityName);
        out.put("time", e.recordedAt().toEpochMilli());
        int severity = severity(e);
        out.put("severity_id", severity);
        out.put("severity", switch (severity) {
            case 1 -> "Informational";
            case 2 -> "Low";
            case 3 -> "Medium";
            default -> "High";
        });
        status(e, out);
        out.put("message", e.message());
        actor(e, out.putObject("actor"));

        ObjectNode api = out.putObject("api");
        api.put("operation", e.action());
        api.putObject("service").put("name", "countersign");
        if (e.isDecision()) {
            api.putObject("request").put("uid", e.decisionId());
        }
        resources(e, out.putArray("resources"));

        ObjectNode metadata = out.putObject("metadata");
        metadata.put("version", VERSION);
        ObjectNode product = metadata.putObject("product");
        product.put("name", "Countersign");
        product.put("vendor_name", "Countersign");
        metadata.put("uid", e.hash());
        metadata.put("sequence", e.sequence());
        metadata.put("log_name", "decision-log");
        metadata.put("log_provider", "countersign");
        metadata.put("event_code", e.kind());
        metadata.put("original_time", e.recordedAt().toString());
        putText(metadata, "correlation_uid", e.approvalId());

        unmapped(e, out.putObject("unmapped"));
        return out;
    }

    private static int severity(LoggedEvent e) {
        if (e.isApproval() && e.breakGlass()) {
            return 4;
        }
        String outcome = e.outcome();
        return "DENY".equals(outcome) ? 3 : "REQUIRE_APPROVAL".equals(outcome) ? 2 : 1;
    }

    private static void status(LoggedEvent e, ObjectNode out) {
        String outcome = e.outcome();
        int id = outcome == null || "ALLOW".equals(outcome) ? 1 : "DENY".equals(outcome) ? 2 : 99;
        out.put("status_id", id);
        out.put("status", id == 1 ? "Success" : id == 2 ? "Failure" : "Other");
        putText(out, "status_detail", e.isDecision() ? outcome : e.approvalStatus());
    }

    private static void actor(LoggedEvent e, ObjectNode actor) {
        String id = e.actorId();
        if (id == null) {
            // The service acted (an expiry, a policy loaded at start): actor needs at least one attribute.
            actor.put("app_name", "countersign");
        } else {
            ObjectNode user = actor.putObject("user");
            user.put("uid", id);
            user.put("name", id);
            String type = e.actorType();
            if ("human".equals(type)) {
                user.put("type_id", 1);
                user.put("type", "User");
            } else if ("agent".equals(type)) {
                user.put("type_id", 99);
                user.put("type", "Agent");
            }
            List<String> groups = e.actorGroups();
            if (!groups.isEmpty()) {
                ArrayNode list = user.putArray("groups");
                groups.forEach(g -> list.addObject().put("name", g));
            }
        }
        if (e.isDecision()) {
            ArrayNode authorizations = actor.putArray("authorizations");
            for (JsonNode reason : e.reasons()) {
                ObjectNode authorization = authorizations.addObject();
                authorization.put("decision", reason.path("outcome").asText());
                ObjectNode policy = authorization.putObject("policy");
                String rule = reason.path("rule").asText();
                policy.put("uid", rule);
                policy.put("name", rule);
                putText(policy, "version", e.policyVersion());
                putText(policy, "desc", LoggedEvent.text(reason, "message"));
            }
        }
    }

    private static void resources(LoggedEvent e, ArrayNode resources) {
        if (e.isDecision()) {
            JsonNode r = e.resource();
            ObjectNode resource = resources.addObject();
            putText(resource, "type", LoggedEvent.text(r, "type"));
            putText(resource, "uid", LoggedEvent.text(r, "id"));
            ObjectNode data = resource.putObject("data");
            putText(data, "environment", LoggedEvent.text(r, "environment"));
            putText(data, "classification", LoggedEvent.text(r, "classification"));
        }
        if (e.approvalId() != null) {
            ObjectNode request = resources.addObject();
            request.put("type", "approval_request");
            request.put("uid", e.approvalId());
        }
        if (e.isPolicy()) {
            ObjectNode policy = resources.addObject();
            policy.put("type", "policy");
            putText(policy, "uid", e.policyVersion());
        }
    }

    private static void unmapped(LoggedEvent e, ObjectNode unmapped) {
        unmapped.put("kind", e.kind());
        unmapped.put("prev_hash", e.prevHash());
        putText(unmapped, "outcome", e.outcome());
        putText(unmapped, "policy_version", e.policyVersion());
        if (e.isDecision()) {
            unmapped.set("rules", strings(e.rules()));
            unmapped.set("controls", strings(e.controls()));
            putText(unmapped, "on_behalf_of", e.onBehalfOf());
            putText(unmapped, "action_digest", LoggedEvent.text(e.entry(), "actionDigest"));
            copy(e.entry().path("request"), "context", unmapped, "context");
            copy(e.resource(), "attributes", unmapped, "resource_attributes");
            copy(e.entry(), "approval", unmapped, "approval");
            copy(e.entry(), "approvalUse", unmapped, "approval_use");
            copy(e.entry(), "matched", unmapped, "matched");
            copy(e.entry(), "masked", unmapped, "masked");
        } else if (e.isApproval()) {
            putText(unmapped, "approval_id", e.approvalId());
            putText(unmapped, "approval_status", e.approvalStatus());
            approvalFacts(e, unmapped);
        } else if (e.isPolicy()) {
            putText(unmapped, "previous_policy_version", LoggedEvent.text(e.entry(), "previousVersion"));
            copy(e.entry(), "rules", unmapped, "rules");
        }
    }

    /** What an approval event says beyond the common fields, under the same names in both shapes. */
    static void approvalFacts(LoggedEvent e, ObjectNode into) {
        putText(into, "approval_event", LoggedEvent.text(e.entry(), "event"));
        putText(into, "decision_id", e.decisionId());
        putText(into, "requester", LoggedEvent.text(e.entry(), "requester"));
        putText(into, "vote", LoggedEvent.text(e.entry(), "vote"));
        putText(into, "comment", LoggedEvent.text(e.entry(), "comment"));
        putText(into, "channel", LoggedEvent.text(e.entry(), "channel"));
        putText(into, "previous_status", LoggedEvent.text(e.entry(), "previousStatus"));
        if (e.entry().has("breakGlass")) {
            into.put("break_glass", e.breakGlass());
        }
    }

    static ArrayNode strings(List<String> values) {
        ArrayNode array = LoggedEvent.JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    static void putText(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.path(field);
        if (!value.isMissingNode() && !value.isNull()) {
            to.set(as, value.deepCopy());
        }
    }
}
