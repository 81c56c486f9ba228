package io.countersign.policy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.countersign.policy.Outcome;
import io.countersign.policy.RequestYaml;
import io.countersign.yaml.YamlDocument;
import io.countersign.yaml.YamlException;
import io.countersign.yaml.YamlNode;

/** Reads policy test suites strictly: an unknown key, a wrong type or a missing {@code want} is an error at its line. */
public final class PolicySuiteReader {
    private PolicySuiteReader() {
    }

    /** The suite files named by {@code paths} (files, or directories searched for *.yaml), in path order. */
    public static List<Path> discover(List<Path> paths) throws YamlException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isRegularFile(path)) {
                files.add(path);
            } else if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile)
                            .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                            .sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new YamlException(path.toString(), 0, "cannot list directory: " + e.getMessage());
                }
            } else {
                throw new YamlException(path.toString(), 0, "no such file or directory");
            }
        }
        return files;
    }

    public static List<PolicyCase> read(Path file, String display) {
        YamlNode.Mapping root = YamlDocument.read(file, display).mapping(Set.of("tests"));
        List<YamlNode> items = root.require("tests").sequence();
        if (items.isEmpty()) {
            throw root.require("tests").error("a suite needs at least one test");
        }
        List<PolicyCase> cases = new ArrayList<>();
        Map<String, Integer> notes = new HashMap<>();
        for (YamlNode item : items) {
            YamlNode.Mapping test = item.mapping(Set.of("note", "input", "want"));
            YamlNode noteNode = test.require("note");
            String note = noteNode.string().strip();
            if (note.isEmpty()) {
                throw noteNode.error("the note must say what the case shows");
            }
            Integer before = notes.putIfAbsent(note, item.line());
            if (before != null) {
                throw noteNode.error("note '" + note + "' is already used at line " + before + "; notes name cases");
            }
            cases.add(new PolicyCase(display, item.line(), note, RequestYaml.read(test.require("input")),
                    want(test.require("want"))));
        }
        return cases;
    }

    private static PolicyCase.Want want(YamlNode node) {
        YamlNode.Mapping want = node.mapping(Set.of("outcome", "rules", "approverGroups", "quorum"));
        YamlNode outcomeNode = want.require("outcome");
        Outcome outcome;
        try {
            outcome = Outcome.valueOf(outcomeNode.string());
        } catch (IllegalArgumentException e) {
            throw outcomeNode.error("unknown outcome '" + outcomeNode.string() + "' (ALLOW, REQUIRE_APPROVAL or DENY)");
        }
        List<String> groups = want.get("approverGroups").map(YamlNode::stringList).orElse(null);
        Integer quorum = want.get("quorum").map(q -> q.integer(1, 20)).orElse(null);
        if ((groups != null || quorum != null) && outcome != Outcome.REQUIRE_APPROVAL) {
            throw node.error("approverGroups and quorum apply only when the wanted outcome is REQUIRE_APPROVAL");
        }
        return new PolicyCase.Want(outcome, want.get("rules").map(YamlNode::stringList).orElse(null), groups, quorum);
    }
}
