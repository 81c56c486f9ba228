package io.countersign.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.countersign.policy.ApprovalRequirement;
import io.countersign.policy.Decision;
import io.countersign.policy.DurationText;
import io.countersign.policy.Policy;
import io.countersign.policy.PolicyRule;
import io.countersign.policy.Reason;
import io.countersign.policy.testing.CaseResult;
import io.countersign.policy.testing.TestReport;

/** The JSON the CLI prints, field names as in the public contract. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static Map<String, Object> decision(Decision decision, Policy policy, boolean explain) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outcome", decision.outcome());
        out.put("reasons", reasons(decision.reasons()));
        out.put("policyVersion", decision.policyVersion());
        if (decision.approval() != null) {
            out.put("approval", approval(decision.approval()));
        }
        if (explain) {
            out.put("matched", reasons(decision.matched()));
            Map<String, String> sources = new LinkedHashMap<>();
            for (Reason reason : decision.matched()) {
                PolicyRule rule = policy.rule(reason.rule());
                if (rule != null) {
                    sources.put(rule.id(), rule.file() + ":" + rule.line());
                }
            }
            out.put("ruleSources", sources);
        }
        return out;
    }

    static Map<String, Object> approval(ApprovalRequirement approval) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("approverGroups", approval.approverGroups());
        out.put("groupMode", approval.groupMode());
        out.put("quorum", approval.quorum());
        out.put("expiresIn", DurationText.format(approval.ttl()));
        return out;
    }

    static List<Map<String, Object>> reasons(List<Reason> reasons) {
        return reasons.stream().map(r -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("rule", r.rule());
            out.put("outcome", r.outcome());
            out.put("message", r.message());
            out.put("controls", r.controls());
            return out;
        }).toList();
    }

    static Map<String, Object> report(TestReport report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("policyVersion", report.policyVersion());
        out.put("passed", report.passed());
        out.put("failed", report.failed());
        out.put("results", report.results().stream().map(Json::result).toList());
        Map<String, Object> coverage = new LinkedHashMap<>();
        coverage.put("rules", report.ruleCount());
        coverage.put("unfired", report.unfiredRules());
        out.put("coverage", coverage);
        return out;
    }

    private static Map<String, Object> result(CaseResult result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", result.testCase().file());
        out.put("line", result.testCase().line());
        out.put("note", result.testCase().note());
        out.put("status", result.passed() ? "PASS" : "FAIL");
        out.put("durationMicros", result.nanos() / 1_000);
        if (!result.passed()) {
            out.put("mismatches", result.mismatches());
        }
        Map<String, Object> got = new LinkedHashMap<>();
        got.put("outcome", result.got().outcome());
        got.put("rules", result.got().ruleIds());
        if (result.got().approval() != null) {
            got.put("approval", approval(result.got().approval()));
        }
        got.put("matched", reasons(result.got().matched()));
        out.put("got", got);
        return out;
    }
}
