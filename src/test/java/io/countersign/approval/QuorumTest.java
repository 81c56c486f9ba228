package io.countersign.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.countersign.policy.GroupMode;

class QuorumTest {
    static Quorum.Approver person(String key, String... groups) {
        return new Quorum.Approver(key, Set.of(groups));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("any: one member suffices for quorum 1", GroupMode.ANY, 1, List.of(person("a", "sre")), true),
                Arguments.of("any: a non-member does not count", GroupMode.ANY, 1, List.of(person("a", "dev")), false),
                Arguments.of("any: quorum 2 needs two people", GroupMode.ANY, 2, List.of(person("a", "sre", "security")), false),
                Arguments.of("any: two people from different groups", GroupMode.ANY, 2,
                        List.of(person("a", "sre"), person("b", "security")), true),
                Arguments.of("each: one person in both groups is not both teams", GroupMode.EACH, 1,
                        List.of(person("a", "sre", "security")), false),
                Arguments.of("each: one from each group", GroupMode.EACH, 1,
                        List.of(person("a", "sre"), person("b", "security")), true),
                Arguments.of("each: the dual member is seated where needed", GroupMode.EACH, 1,
                        List.of(person("a", "sre", "security"), person("b", "sre")), true),
                Arguments.of("each: two sre are not one security", GroupMode.EACH, 1,
                        List.of(person("a", "sre"), person("b", "sre")), false),
                Arguments.of("each: quorum 2 per group", GroupMode.EACH, 2,
                        List.of(person("a", "sre"), person("b", "sre"), person("c", "security"), person("d", "security", "sre")), true),
                Arguments.of("each: quorum 2 per group, one short", GroupMode.EACH, 2,
                        List.of(person("a", "sre"), person("b", "sre"), person("c", "security", "sre")), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void quorum(String note, GroupMode mode, int quorum, List<Quorum.Approver> approvers, boolean met) {
        assertEquals(met, Quorum.met(mode, Arrays.asList("sre", "security"), quorum, approvers));
    }
}
