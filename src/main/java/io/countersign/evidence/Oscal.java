package io.countersign.evidence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * OSCAL 1.0.4 documents of a bundle: assessment results (one observation per control, findings over the
 * whole population) and a component definition mapping Countersign's rules to controls. Control ids
 * take OSCAL's form ({@code FEDRAMP:AC-6(9)} is {@code ac-6.9}, {@code SOC2:CC6.1} is {@code cc6.1}).
 */
final class Oscal {
    static final String VERSION = "1.0.4";
    private static final UUID NAMESPACE = UUID.fromString("6f1c2d36-93a4-4a55-9b1e-0c0b4d1e8a10");

    private Oscal() {
    }

    /** The OSCAL form of a qualified control id. */
    static String controlId(String qualified) {
        String local = qualified.substring(qualified.indexOf(':') + 1).toLowerCase(Locale.ROOT);
        return local.replaceAll("\\((\\w+)\\)", ".$1");
    }

    static Map<String, Object> assessmentResults(BundleFacts facts) {
        String seed = facts.query().json() + "|" + facts.firstSequence() + "|" + facts.lastSequence() + "|" + facts.generatedAt();
        PopulationStats s = facts.stats();
        List<Object> observations = new ArrayList<>();
        List<Object> selected = new ArrayList<>();
        for (BundleFacts.ControlEvidence c : facts.controls()) {
            selected.add(Map.of("control-id", controlId(c.control().id())));
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("uuid", uuid(seed + "|observation|" + c.control().id()));
            o.put("title", c.control().id() + " " + c.control().title());
            o.put("description", c.rules().isEmpty()
                    ? "No rule of the policy in force maps to " + c.control().id() + "; the population holds no evidence for it."
                    : c.decisions() + " decision(s) and " + c.approvalRequests() + " approval request(s) in the period were "
                            + "decided by rules mapped to " + c.control().id() + " (" + String.join(", ", c.rules()) + ").");
            o.put("methods", List.of("TEST"));
            o.put("collected", facts.generatedAt());
            o.put("relevant-evidence", List.of(
                    evidence("decisions.csv", "one row per decision, with the rules and controls that decided it"),
                    evidence("approvals.csv", "one row per approval request, with every vote")));
            observations.add(o);
        }
        Map<String, Object> population = new LinkedHashMap<>();
        population.put("uuid", uuid(seed + "|population"));
        population.put("title", "The population of decision log entries");
        population.put("description", facts.empty() ? "No decision log entry was recorded in the period."
                : s.entries + " chained entries (sequence " + facts.firstSequence() + " to " + facts.lastSequence() + "): "
                        + s.decisions + " decisions, " + s.approvalEvents + " approval events, " + s.policyEvents
                        + " policy loads.");
        population.put("methods", List.of("EXAMINE"));
        population.put("collected", facts.generatedAt());
        population.put("relevant-evidence", List.of(evidence("log.jsonl", "the chained entries; verify with countersign verify-bundle")));
        observations.add(population);
        String populationUuid = (String) population.get("uuid");

        List<Object> findings = new ArrayList<>();
        findings.add(finding(seed, "countersign-no-self-approval", "No self-approval in the population",
                s.selfApprovals == 0 ? "No vote in the population was cast by the requester or the principal it acted for."
                        : s.selfApprovals + " request(s) carry a vote by the requester or the principal it acted for.",
                s.selfApprovals == 0, populationUuid));
        findings.add(finding(seed, "countersign-approval-before-use", "Every used approval was granted before its use",
                s.usedBeforeApproval == 0 ? "Every approval used in the period was decided before the decision that used it."
                        : s.usedBeforeApproval + " approval(s) were used before they were decided.",
                s.usedBeforeApproval == 0, populationUuid));
        findings.add(finding(seed, "countersign-chain-intact", "The population's hash chain is intact",
                facts.chainProblem() == null ? "Every entry links to the one before it and its hash matches its content."
                        : "The chain is broken: " + facts.chainProblem(),
                facts.chainProblem() == null, populationUuid));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("uuid", uuid(seed + "|result"));
        result.put("title", "Countersign decision log, " + facts.query().framework().name());
        result.put("description", "Privileged actions of agents decided by Countersign from " + facts.query().from()
                + " to " + facts.query().to() + (facts.empty() ? ": the period is empty." : "."));
        result.put("start", facts.query().from().toString());
        result.put("end", facts.query().to().toString());
        Map<String, Object> selection = new LinkedHashMap<>();
        if (selected.isEmpty()) {
            selection.put("include-all", Map.of());
        } else {
            selection.put("include-controls", selected);
        }
        result.put("reviewed-controls", Map.of("control-selections", List.of(selection)));
        result.put("observations", observations);
        result.put("findings", findings);

        Map<String, Object> document = new LinkedHashMap<>();
        document.put("uuid", uuid(seed + "|assessment-results"));
        document.put("metadata", metadata("Countersign evidence: " + facts.query().framework().name() + ", "
                + facts.query().from() + " to " + facts.query().to(), facts.generatedAt()));
        document.put("import-ap", Map.of("href", "#countersign-evidence",
                "remarks", "No separate assessment plan: the plan is the query recorded in manifest.json."));
        document.put("results", List.of(result));
        return Map.of("assessment-results", document);
    }

    static Map<String, Object> componentDefinition(BundleFacts facts) {
        String seed = "component|" + facts.policyInForce() + "|" + facts.query().framework();
        List<Object> requirements = new ArrayList<>();
        for (BundleFacts.ControlEvidence c : facts.controls()) {
            if (c.rules().isEmpty()) {
                continue;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("uuid", uuid(seed + "|" + c.control().id()));
            r.put("control-id", controlId(c.control().id()));
            r.put("description", "Countersign classifies privileged actions with the rules " + String.join(", ", c.rules())
                    + " (policy " + facts.policyInForce() + ") and logs every decision and vote in a hash chain.");
            requirements.add(r);
        }
        Map<String, Object> component = new LinkedHashMap<>();
        component.put("uuid", uuid(seed + "|component"));
        component.put("type", "software");
        component.put("title", "Countersign");
        component.put("description", "Policy-as-code gate for privileged actions of AI agents and pipelines: rules "
                + "classify each action as ALLOW, REQUIRE_APPROVAL or DENY, and a verified human other than the "
                + "requester approves.");
        if (!requirements.isEmpty()) {
            Map<String, Object> implementation = new LinkedHashMap<>();
            implementation.put("uuid", uuid(seed + "|implementation"));
            implementation.put("source", "#" + facts.query().framework().name().toLowerCase(Locale.ROOT));
            implementation.put("description", "Rules of policy " + facts.policyInForce() + " mapped to "
                    + facts.query().framework().name() + " controls (compliance-mappings/rule-controls.yaml).");
            implementation.put("implemented-requirements", requirements);
            component.put("control-implementations", List.of(implementation));
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("uuid", uuid(seed + "|definition"));
        document.put("metadata", metadata("Countersign rules mapped to " + facts.query().framework().name(), facts.generatedAt()));
        document.put("components", List.of(component));
        return Map.of("component-definition", document);
    }

    private static Map<String, Object> metadata(String title, String at) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", title);
        m.put("last-modified", at);
        m.put("version", "1");
        m.put("oscal-version", VERSION);
        return m;
    }

    private static Map<String, Object> evidence(String href, String description) {
        return Map.of("href", href, "description", description);
    }

    private static Map<String, Object> finding(String seed, String target, String title, String description,
            boolean satisfied, String observation) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("uuid", uuid(seed + "|finding|" + target));
        f.put("title", title);
        f.put("description", description);
        f.put("target", Map.of("type", "objective-id", "target-id", target,
                "status", Map.of("state", satisfied ? "satisfied" : "not-satisfied")));
        f.put("related-observations", List.of(Map.of("observation-uuid", observation)));
        return f;
    }

    /** A name-based UUID (version 5, SHA-1), so the same bundle content names the same things. */
    static String uuid(String name) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(toBytes(NAMESPACE));
            byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
            long msb = 0;
            long lsb = 0;
            for (int i = 0; i < 8; i++) {
                msb = (msb << 8) | (hash[i] & 0xff);
                lsb = (lsb << 8) | (hash[i + 8] & 0xff);
            }
            return new UUID(msb, lsb).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    private static byte[] toBytes(UUID id) {
        byte[] out = new byte[16];
        long msb = id.getMostSignificantBits();
        long lsb = id.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (msb >>> (56 - 8 * i));
            out[i + 8] = (byte) (lsb >>> (56 - 8 * i));
        }
        return out;
    }
}
