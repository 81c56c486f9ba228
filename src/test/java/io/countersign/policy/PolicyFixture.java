package io.countersign.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import io.countersign.policy.api.Caller;
import io.countersign.policy.api.Request;
import io.countersign.policy.api.Resource;

import java.util.List;
import java.util.Map;

/** A copy of the shipped policy in a temporary directory, for tests that change or break it. */
public final class PolicyFixture {
    public static final String HEADER = "import io.countersign.policy.api.*;\nglobal io.countersign.policy.Verdict verdict;\n";

    private final Path root;

    private PolicyFixture(Path root) {
        this.root = root;
    }

    /** The shipped rules, data and mappings, copied under {@code dir}. */
    public static PolicyFixture shipped(Path dir) {
        copyTree(Path.of("rules"), dir.resolve("rules"));
        copyTree(Path.of("compliance-mappings"), dir.resolve("compliance-mappings"));
        return new PolicyFixture(dir);
    }

    /** Only the catalogue and a policy default mapping: add rules with {@link #rule}. */
    public static PolicyFixture empty(Path dir) {
        copyTree(Path.of("compliance-mappings/catalogue"), dir.resolve("compliance-mappings/catalogue"));
        PolicyFixture fixture = new PolicyFixture(dir);
        fixture.write("compliance-mappings/rule-controls.yaml", "rules:\n  policy.default: [SOC2:CC6.1]\n");
        fixture.write("rules/policy.yaml", "default:\n  outcome: REQUIRE_APPROVAL\n");
        return fixture;
    }

    /** Adds a rule file holding one rule with {@code when} and {@code then}, mapped to SOC2:CC6.1. */
    public PolicyFixture rule(String id, String when, String then) {
        String file = "rules/" + id.replace('.', '-') + ".drl";
        write(file, drl("test." + id.replace('.', '_').replace('-', '_'), id, "", when, then));
        append("compliance-mappings/rule-controls.yaml", "  " + id + ": [SOC2:CC6.1]\n");
        return this;
    }

    /** A rule file holding one rule: the package on line 1, the header on lines 2-3, the rule on line 4. */
    public static String drl(String pkg, String id, String attributes, String when, String then) {
        return "package " + pkg + ";\n" + HEADER + "rule \"" + id + "\"\n" + attributes + "when\n    " + when
                + "\nthen\n    " + then + "\nend\n";
    }

    public PolicyFixture write(String relative, String content) {
        try {
            Path file = root.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PolicyFixture append(String relative, String content) {
        try {
            Files.writeString(root.resolve(relative), Files.readString(root.resolve(relative)) + content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    public Path rules() {
        return root.resolve("rules");
    }

    public PolicyLoader loader() {
        return new PolicyLoader(rules(), root.resolve("compliance-mappings"));
    }

    public Policy load() throws PolicyLoadException {
        return loader().load();
    }

    public static Request request(String action, String environment, Map<String, Object> attributes) {
        return new Request(action, new Caller("agent:test", Caller.AGENT, List.of("agents")), null,
                new Resource("thing", "t-1", environment, null, attributes), null);
    }

    /** Copies the tree {@code from} into {@code to}, replacing files that are there. */
    public static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
