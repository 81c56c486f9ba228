package io.countersign.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.countersign.policy.api.Request;

class PolicyEngineTest {
    @TempDir
    Path dir;

    private static final String ALLOW = "verdict.allow(\"allowed\");";
    private static final String DENY = "verdict.deny(\"denied\");";
    private static final String APPROVE = "verdict.requireApproval(\"needs a person\").approvers(\"sre\");";

    static Stream<Arguments> combinations() {
        return Stream.of(
                Arguments.of("deny beats approval and allow", List.of(DENY, APPROVE, ALLOW), Outcome.DENY, List.of("t.r0")),
                Arguments.of("approval beats allow", List.of(ALLOW, APPROVE), Outcome.REQUIRE_APPROVAL, List.of("t.r1")),
                Arguments.of("allow when only allow rules match", List.of(ALLOW, ALLOW), Outcome.ALLOW, List.of("t.r0", "t.r1")),
                Arguments.of("two denies both decide", List.of(DENY, DENY, ALLOW), Outcome.DENY, List.of("t.r0", "t.r1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("combinations")
    void outcomesCombineDenyOverApprovalOverAllow(String note, List<String> consequences, Outcome want,
            List<String> deciding) throws Exception {
        PolicyFixture fixture = PolicyFixture.empty(dir);
        for (int i = 0; i < consequences.size(); i++) {
            fixture.rule("t.r" + i, "Request( action == \"x.do\" )", consequences.get(i));
        }
        Decision decision = fixture.load().evaluate(PolicyFixture.request("x.do", null, Map.of()));
        assertEquals(want, decision.outcome());
        assertEquals(deciding, decision.ruleIds().stream().sorted().toList());
        assertEquals(consequences.size(), decision.matched().size(), "every statement is kept for explanations");
        assertTrue(decision.reasons().stream().allMatch(r -> r.controls().equals(List.of("SOC2:CC6.1"))));
    }

    @Test
    void thePolicyDefaultAppliesWhenNoRuleMatches() throws Exception {
        PolicyFixture fixture = PolicyFixture.empty(dir).rule("t.only", "Request( action == \"x.do\" )", ALLOW);
        Decision decision = fixture.load().evaluate(PolicyFixture.request("y.do", null, Map.of()));
        assertEquals(Outcome.REQUIRE_APPROVAL, decision.outcome());
        assertEquals(List.of(Combination.DEFAULT_RULE), decision.ruleIds());
        assertEquals(List.of("SOC2:CC6.1"), decision.reasons().get(0).controls());
        assertEquals(List.of("security"), decision.approval().approverGroups());

        fixture.write("rules/policy.yaml", "default:\n  outcome: DENY\n  message: Unknown actions are refused.\n");
        Decision strict = fixture.load().evaluate(PolicyFixture.request("y.do", null, Map.of()));
        assertEquals(Outcome.DENY, strict.outcome());
        assertEquals("Unknown actions are refused.", strict.reasons().get(0).message());
        assertNull(strict.approval());
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("an exception in a consequence", "throw new IllegalStateException(\"boom\");", "boom"),
                Arguments.of("a rule that states no outcome", "String s = \"nothing\";", "stated no outcome"),
                Arguments.of("a rule that states two outcomes", "verdict.allow(\"a\"); verdict.deny(\"b\");", "more than one outcome"),
                Arguments.of("a rule without a message", "verdict.allow(\" \");", "without a message"),
                Arguments.of("a bad quorum", "verdict.requireApproval(\"m\").quorum(0);", "quorum 0"),
                Arguments.of("a bad expiry", "verdict.requireApproval(\"m\").expiresIn(\"soon\");", "not a duration"),
                Arguments.of("a bad group name", "verdict.requireApproval(\"m\").approvers(\"Data Governance\");", "not a group name"));
    }

    @ParameterizedTest(name = "{0} fails closed")
    @MethodSource("failures")
    void anErrorWhileEvaluatingFailsClosed(String note, String consequence, String reason) throws Exception {
        Policy policy = PolicyFixture.empty(dir)
                .rule("t.allow", "Request( action == \"x.do\" )", ALLOW)
                .rule("t.broken", "Request( action == \"x.do\" )", consequence)
                .load();
        Decision decision = policy.evaluate(PolicyFixture.request("x.do", null, Map.of()));
        assertEquals(Outcome.DENY, decision.outcome());
        assertEquals(List.of(Combination.ERROR_RULE), decision.ruleIds());
        assertTrue(decision.reasons().get(0).message().contains(reason), decision.reasons().get(0).message());

        Decision other = policy.evaluate(PolicyFixture.request("z.do", null, Map.of()));
        assertEquals(Outcome.REQUIRE_APPROVAL, other.outcome(), "a failed evaluation leaves no state behind");
    }

    @Test
    void anExceptionInAConditionFailsClosed() throws Exception {
        Policy policy = PolicyFixture.empty(dir)
                .rule("t.allow", "Request( action == \"x.do\", resource.attributes[\"n\"].toString().length() > 0 )", ALLOW)
                .load();
        Decision decision = policy.evaluate(PolicyFixture.request("x.do", null, Map.of()));
        assertEquals(Outcome.DENY, decision.outcome());
        assertEquals(List.of(Combination.ERROR_RULE), decision.ruleIds());
    }

    @Test
    void aRuleThatRemovesTheRequestFailsClosed() throws Exception {
        Policy policy = PolicyFixture.empty(dir)
                .rule("t.deny", "Request( action == \"x.do\" )", DENY)
                .rule("t.remove", "$r : Request( action == \"x.do\" )",
                        "verdict.allow(\"bye\"); io.countersign.policy.RuleBackdoor.removeRequest(kcontext, $r);")
                .load();
        Decision decision = policy.evaluate(PolicyFixture.request("x.do", null, Map.of()));
        assertEquals(Outcome.DENY, decision.outcome());
        assertEquals(List.of(Combination.ERROR_RULE), decision.ruleIds(), decision.reasons().toString());
        assertTrue(decision.reasons().get(0).message().contains("removed the request"), decision.reasons().get(0).message());
    }

    @Test
    void loopingRulesFailClosed() throws Exception {
        Policy policy = PolicyFixture.empty(dir)
                .write("rules/loop.drl", "package t;\n" + PolicyFixture.HEADER
                        + "declare Tick\n  n : int\nend\n"
                        + "rule \"t.loop\"\nwhen\n    Request()\n    $t : Tick()\nthen\n    verdict.allow(\"tick\");\n    insert(new Tick($t.getN() + 1));\nend\n"
                        + "rule \"t.start\"\nwhen\n    Request()\nthen\n    verdict.allow(\"start\");\n    insert(new Tick(0));\nend\n")
                .append("compliance-mappings/rule-controls.yaml", "  t.loop: [SOC2:CC6.1]\n  t.start: [SOC2:CC6.1]\n")
                .load();
        Decision decision = policy.evaluate(PolicyFixture.request("x.do", null, Map.of()));
        assertEquals(Outcome.DENY, decision.outcome());
        assertTrue(decision.reasons().get(0).message().contains("looping"), decision.reasons().get(0).message());
    }

    @Test
    void factsARuleInsertsDoNotLeakIntoTheNextDecision() throws Exception {
        Policy policy = PolicyFixture.empty(dir)
                .write("rules/leak.drl", "package t;\n" + PolicyFixture.HEADER
                        + "declare Seen\nend\n"
                        + "rule \"t.mark\"\nwhen\n    Request( action == \"x.first\" )\nthen\n    verdict.allow(\"first\");\n    insert(new Seen());\nend\n"
                        + "rule \"t.after\"\nwhen\n    Request( action == \"x.second\" )\n    Seen()\nthen\n    verdict.allow(\"second\");\nend\n")
                .append("compliance-mappings/rule-controls.yaml", "  t.mark: [SOC2:CC6.1]\n  t.after: [SOC2:CC6.1]\n")
                .load();
        assertEquals(Outcome.ALLOW, policy.evaluate(PolicyFixture.request("x.first", null, Map.of())).outcome());
        Decision second = policy.evaluate(PolicyFixture.request("x.second", null, Map.of()));
        assertEquals(List.of(Combination.DEFAULT_RULE), second.ruleIds(), "the first request's fact must not be seen");
    }

    @Test
    void approvalSettingsComeFromTheRuleOrThePolicyDefaults() throws Exception {
        Policy policy = PolicyFixture.empty(dir)
                .write("rules/policy.yaml", "approvalDefaults:\n  approverGroups: [security]\n  quorum: 1\n  expiresIn: 30m\n")
                .rule("t.full", "Request( action == \"x.full\" )",
                        "verdict.requireApproval(\"m\").approvers(\"sre\", \"security\").fromEachGroup().quorum(2).expiresIn(\"2h\");")
                .rule("t.bare", "Request( action == \"x.bare\" )", "verdict.requireApproval(\"m\");")
                .rule("t.other", "Request( action == \"x.full\" )", "verdict.requireApproval(\"m\").approvers(\"data-governance\").expiresIn(\"1h\");")
                .load();
        ApprovalRequirement bare = policy.evaluate(PolicyFixture.request("x.bare", null, Map.of())).approval();
        assertEquals(new ApprovalRequirement(List.of("security"), GroupMode.ANY, 1, Duration.ofMinutes(30)), bare);

        ApprovalRequirement merged = policy.evaluate(PolicyFixture.request("x.full", null, Map.of())).approval();
        assertEquals(GroupMode.EACH, merged.groupMode(), "two rules naming different groups need each group");
        assertEquals(Set.of("sre", "security", "data-governance"), Set.copyOf(merged.approverGroups()));
        assertEquals(2, merged.quorum(), "the highest quorum");
        assertEquals(Duration.ofHours(1), merged.ttl(), "the shortest expiry");
    }

    @Test
    void concurrentEvaluationsGetTheSameAnswersAsSequentialOnes() throws Exception {
        Policy policy = PolicyLoader.forRulesDir(Path.of("rules")).load();
        List<Request> requests = List.of(
                PolicyFixture.request("terraform.apply", "production", Map.of()),
                PolicyFixture.request("terraform.apply", "staging", Map.of()),
                PolicyFixture.request("aws.s3.export", "production", Map.of("destination", "s3://attacker")),
                PolicyFixture.request("iam.role.assign", "production", Map.of("principal", "bob@example.com")),
                PolicyFixture.request("foo.bar", null, Map.of()));
        List<Outcome> sequential = requests.stream().map(r -> policy.evaluate(r).outcome()).toList();
        assertEquals(List.of(Outcome.REQUIRE_APPROVAL, Outcome.ALLOW, Outcome.DENY, Outcome.REQUIRE_APPROVAL,
                Outcome.REQUIRE_APPROVAL), sequential);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        int k = i % requests.size();
                        if (policy.evaluate(requests.get(k)).outcome() != sequential.get(k)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : futures) {
                assertTrue(f.get(), "a concurrent evaluation disagreed with the sequential answer");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
