package io.countersign.policy;

import java.util.List;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.countersign.policy.api.Artifact;
import io.countersign.policy.api.Caller;
import io.countersign.policy.api.Request;
import io.countersign.policy.api.RequestContext;
import io.countersign.policy.api.Resource;
import io.countersign.yaml.YamlNode;

/**
 * Reads a decision request from YAML or JSON, strictly: unknown keys, wrong types and malformed values
 * are errors at their line. Policy tests give the caller in the document; the HTTP API takes it from
 * the token and refuses a {@code caller} in the body.
 */
public final class RequestYaml {
    static final Set<String> BODY_KEYS = Set.of("action", "onBehalfOf", "resource", "context", "approvalId");
    static final Set<String> KEYS = Set.of("action", "caller", "onBehalfOf", "resource", "context", "approvalId");

    /** A request body as the API receives it: the request, and the approval it claims, if any. */
    public record Body(Request request, String approvalId) {
    }

    private RequestYaml() {
    }

    /** A request that names its caller (policy tests, {@code countersign eval}). */
    public static Request read(YamlNode node) {
        YamlNode.Mapping root = node.mapping(KEYS);
        YamlNode.Mapping callerNode = root.require("caller").mapping(Set.of("id", "type", "groups"));
        Caller caller = new Caller(
                checked(callerNode.require("id"), RequestRules::id),
                checked(callerNode.require("type"), RequestRules::callerType),
                callerNode.getUnlessNull("groups").map(g -> {
                    List<String> groups = g.stringList();
                    fail(g, RequestRules.groups(groups));
                    return groups;
                }).orElse(List.of()));
        return read(root, caller).request();
    }

    /** An API body: the caller comes from the verified token, never from the body. */
    public static Body readBody(YamlNode node, Caller caller) {
        return read(node.mapping(BODY_KEYS), caller);
    }

    private static Body read(YamlNode.Mapping root, Caller caller) {
        String action = checked(root.require("action"), RequestRules::action);
        String onBehalfOf = root.getUnlessNull("onBehalfOf").map(n -> checked(n, RequestRules::id)).orElse(null);
        String approvalId = root.getUnlessNull("approvalId").map(n -> checked(n, RequestRules::id)).orElse(null);
        Resource resource = root.getUnlessNull("resource").map(RequestYaml::resource).orElse(Resource.NONE);
        RequestContext context = root.getUnlessNull("context").map(RequestYaml::context).orElse(RequestContext.NONE);
        return new Body(new Request(action, caller, onBehalfOf, resource, context), approvalId);
    }

    private static Resource resource(YamlNode node) {
        YamlNode.Mapping m = node.mapping(Set.of("type", "id", "environment", "classification", "attributes"));
        return new Resource(
                optional(m, "type", RequestRules::id),
                optional(m, "id", RequestRules::id),
                optional(m, "environment", RequestRules::word),
                optional(m, "classification", RequestRules::word),
                attributes(m));
    }

    private static RequestContext context(YamlNode node) {
        YamlNode.Mapping m = node.mapping(Set.of("reason", "ticket", "artifact", "attributes"));
        Artifact artifact = m.getUnlessNull("artifact").map(a -> {
            YamlNode.Mapping am = a.mapping(Set.of("type", "digest", "summary", "link"));
            return new Artifact(optional(am, "type", RequestRules::id), optional(am, "digest", RequestRules::id),
                    optional(am, "summary", RequestRules::text), optional(am, "link", RequestRules::id));
        }).orElse(null);
        return new RequestContext(optional(m, "reason", RequestRules::text), optional(m, "ticket", RequestRules::id),
                artifact, attributes(m));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attributes(YamlNode.Mapping m) {
        return m.getUnlessNull("attributes").map(a -> {
            Map<String, Object> values = (Map<String, Object>) a.mapping().node().plainValue();
            fail(a, RequestRules.attributes(values));
            return values;
        }).orElse(Collections.emptyMap());
    }

    private static String optional(YamlNode.Mapping m, String key, Function<String, String> check) {
        return m.getUnlessNull(key).map(n -> checked(n, check)).orElse(null);
    }

    private static String checked(YamlNode node, Function<String, String> check) {
        String value = node.string();
        fail(node, check.apply(value));
        return value;
    }

    private static void fail(YamlNode node, String problem) {
        if (problem != null) {
            throw node.error(problem);
        }
    }
}
