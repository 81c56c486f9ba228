package io.countersign.decision;

import java.util.LinkedHashMap;
import java.util.Map;

import io.countersign.canonical.CanonicalJson;
import io.countersign.policy.api.Artifact;
import io.countersign.policy.api.Request;
import io.countersign.policy.api.Resource;

/**
 * {@code actionDigest}: SHA-256 over the RFC 8785 canonical JSON of the action, resource, onBehalfOf,
 * caller and artifact. An approval binds to exactly this: change any of these fields and the digest
 * changes. The caller is bound by id and type; its groups are not part of the action (they come from
 * the token and may change between asking and using an approval, which the identity checks handle).
 * The reason, ticket and context attributes describe why, not what, and are not bound.
 */
public final class ActionDigest {
    private ActionDigest() {
    }

    public static String of(Request request) {
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("action", request.getAction());
        action.put("resource", resource(request.getResource()));
        action.put("onBehalfOf", request.getOnBehalfOf());
        action.put("caller", Map.of("id", request.getCaller().getId(), "type", request.getCaller().getType()));
        action.put("artifact", artifact(request.getContext().getArtifact()));
        return CanonicalJson.sha256(CanonicalJson.bytes(action));
    }

    private static Map<String, Object> resource(Resource resource) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", resource.getType());
        out.put("id", resource.getId());
        out.put("environment", resource.getEnvironment());
        out.put("classification", resource.getClassification());
        out.put("attributes", resource.getAttributes());
        return out;
    }

    private static Map<String, Object> artifact(Artifact artifact) {
        if (artifact == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", artifact.getType());
        out.put("digest", artifact.getDigest());
        out.put("summary", artifact.getSummary());
        out.put("link", artifact.getLink());
        return out;
    }
}
