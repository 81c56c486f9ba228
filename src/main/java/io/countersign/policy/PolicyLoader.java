package io.countersign.policy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.api.io.Resource;
import org.kie.api.io.ResourceType;
import org.kie.internal.builder.CompositeKnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilderFactory;
import org.kie.internal.builder.KnowledgeBuilderResult;
import org.kie.internal.builder.ResultSeverity;
import org.kie.internal.io.ResourceFactory;

import io.countersign.compliance.ComplianceMappings;
import io.countersign.policy.api.DataSet;
import io.countersign.yaml.YamlDocument;
import io.countersign.yaml.YamlException;
import io.countersign.yaml.YamlNode;

/**
 * Reads, compiles and validates a policy: {@code rules/**}{@code /*.drl}, {@code rules/data/*.yaml},
 * {@code rules/policy.yaml} and {@code compliance-mappings/}. All or nothing: any problem, and the caller
 * gets every problem found with its file and line, and no policy.
 */
public final class PolicyLoader {
    public static final String DATA_DIR = "data";
    static final Pattern RULE_ID = Pattern.compile("[a-z0-9]+(?:[.-][a-z0-9]+)*");
    private static final Pattern DATA_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    private static final Pattern RULE_DECLARATION =
            Pattern.compile("^\\s*rule\\s+(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"']+))");

    private final Path rulesDir;
    private final Path mappingsDir;
    private final String rulesLabel;
    private final String mappingsLabel;

    /**
     * @param rulesDir the rules directory ({@code rules/})
     * @param mappingsDir the compliance mappings directory ({@code compliance-mappings/})
     */
    public PolicyLoader(Path rulesDir, Path mappingsDir) {
        this.rulesDir = rulesDir.toAbsolutePath().normalize();
        this.mappingsDir = mappingsDir.toAbsolutePath().normalize();
        this.rulesLabel = display(this.rulesDir);
        this.mappingsLabel = display(this.mappingsDir);
    }

    /** The conventional layout: {@code compliance-mappings/} next to the rules directory. */
    public static PolicyLoader forRulesDir(Path rulesDir) {
        Path absolute = rulesDir.toAbsolutePath().normalize();
        Path parent = absolute.getParent() == null ? absolute : absolute.getParent();
        return new PolicyLoader(absolute, parent.resolve("compliance-mappings"));
    }

    public Path rulesDir() {
        return rulesDir;
    }

    public Path mappingsDir() {
        return mappingsDir;
    }

    public Policy load() throws PolicyLoadException {
        List<PolicyProblem> problems = new ArrayList<>();
        List<YamlException> yamlProblems = new ArrayList<>();
        VersionHash version = new VersionHash();

        List<Path> ruleFiles = files(rulesDir, rulesLabel, "rules", problems);
        List<SourceFile> drl = new ArrayList<>();
        List<SourceFile> data = new ArrayList<>();
        SourceFile settingsFile = null;
        for (Path file : ruleFiles) {
            Path relative = rulesDir.relativize(file);
            String name = file.getFileName().toString();
            if (!name.endsWith(".drl") && !isYaml(file)) {
                continue;
            }
            SourceFile source = read(file, rulesLabel + "/" + slashes(relative), problems);
            if (source == null) {
                continue;
            }
            version.add("rules/" + slashes(relative), source.bytes);
            if (name.endsWith(".drl")) {
                drl.add(source);
            } else if (relative.startsWith(DATA_DIR)) {
                data.add(source);
            } else if (relative.toString().equals(PolicySettings.FILE)) {
                settingsFile = source;
            } else {
                problems.add(new PolicyProblem(source.display, 0, "YAML in the rules directory must be "
                        + PolicySettings.FILE + " or under " + DATA_DIR + "/; this file would be ignored"));
            }
        }
        if (drl.isEmpty() && problems.isEmpty()) {
            problems.add(new PolicyProblem(rulesLabel, 0, "no .drl rule files found"));
        }

        List<ComplianceMappings.SourceText> mappingFiles = new ArrayList<>();
        for (Path file : files(mappingsDir, mappingsLabel, "compliance mappings", problems)) {
            if (!isYaml(file)) {
                continue;
            }
            String relative = slashes(mappingsDir.relativize(file));
            SourceFile source = read(file, mappingsLabel + "/" + relative, problems);
            if (source != null) {
                version.add("compliance-mappings/" + relative, source.bytes);
                mappingFiles.add(new ComplianceMappings.SourceText(relative, source.display, source.text()));
            }
        }
        ComplianceMappings mappings = ComplianceMappings.read(mappingFiles, yamlProblems);

        PolicySettings settings = PolicySettings.SHIPPED;
        if (settingsFile != null) {
            try {
                settings = PolicySettings.read(YamlDocument.parse(settingsFile.text(), settingsFile.display));
            } catch (YamlException e) {
                yamlProblems.add(e);
            }
        }
        List<DataSet> dataSets = readData(data, yamlProblems);

        Map<String, PolicyRule> declared = declaredRules(drl, problems);
        checkRuleText(drl, dataSets, problems);
        KieBase kieBase = compile(drl, problems);

        Map<String, PolicyRule> rules = new TreeMap<>();
        if (kieBase != null) {
            for (KiePackage pkg : kieBase.getKiePackages()) {
                for (Rule rule : pkg.getRules()) {
                    PolicyRule where = declared.get(rule.getName());
                    String file = where != null ? where.file() : rulesLabel;
                    int line = where != null ? where.line() : 0;
                    for (String shape : RuleShape.check(rule)) {
                        problems.add(new PolicyProblem(file, line, shape));
                    }
                    List<String> controls = mappings.ruleControls().get(rule.getName());
                    if (controls == null) {
                        problems.add(new PolicyProblem(file, line, "rule " + rule.getName()
                                + " has no compliance mapping; add it to " + mappingsLabel + "/"));
                        controls = List.of();
                    }
                    rules.put(rule.getName(), new PolicyRule(rule.getName(), file, line, controls));
                }
            }
            for (Map.Entry<String, ComplianceMappings.Location> mapped : mappings.mappingLocations().entrySet()) {
                String id = mapped.getKey();
                if (!rules.containsKey(id) && !id.equals(Combination.DEFAULT_RULE)) {
                    problems.add(new PolicyProblem(mapped.getValue().file(), mapped.getValue().line(),
                            "mapping names rule " + id + ", which no rule file defines"));
                }
            }
            if (!mappings.ruleControls().containsKey(Combination.DEFAULT_RULE) && yamlProblems.isEmpty()
                    && Files.isDirectory(mappingsDir)) {
                problems.add(new PolicyProblem(mappingsLabel, 0, "the policy default (" + Combination.DEFAULT_RULE
                        + ") has no compliance mapping; every decision must name its controls"));
            }
        }

        yamlProblems.forEach(e -> problems.add(PolicyProblem.of(e)));
        if (!problems.isEmpty()) {
            throw new PolicyLoadException(problems);
        }
        return new Policy(version.value(), kieBase, rules, mappings.ruleControls(), settings, dataSets,
                mappings.catalogue(), version.files);
    }

    private List<DataSet> readData(List<SourceFile> files, List<YamlException> problems) {
        Map<String, String> seen = new LinkedHashMap<>();
        List<DataSet> sets = new ArrayList<>();
        for (SourceFile file : files) {
            try {
                YamlNode.Mapping root = YamlDocument.parse(file.text(), file.display).mapping();
                for (Map.Entry<String, YamlNode> entry : root.entries().entrySet()) {
                    String name = entry.getKey();
                    YamlNode value = entry.getValue();
                    try {
                        if (!DATA_NAME.matcher(name).matches()) {
                            throw root.keyNode(name).error("'" + name
                                    + "' is not a data set name (lower-case letters, digits, '.', '_', '-')");
                        }
                        String here = value.file() + ":" + root.keyNode(name).line();
                        String before = seen.putIfAbsent(name, here);
                        if (before != null) {
                            throw root.keyNode(name).error("data set " + name + " is already defined at " + before);
                        }
                        sets.add(dataSet(name, value));
                    } catch (YamlException e) {
                        problems.add(e);
                    }
                }
            } catch (YamlException e) {
                problems.add(e);
            }
        }
        return sets;
    }

    private static DataSet dataSet(String name, YamlNode value) {
        if (value.isSequence()) {
            Set<String> values = new LinkedHashSet<>();
            for (YamlNode item : value.sequence()) {
                values.add(dataValue(item));
            }
            return new DataSet(name, values, Map.of());
        }
        if (value.isMapping()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> entries = (Map<String, Object>) value.plainValue();
            return new DataSet(name, entries.keySet(), entries);
        }
        throw value.error("a data set is a list of values or a mapping");
    }

    private static String dataValue(YamlNode item) {
        Object plain = item.plainValue();
        if (plain instanceof String || plain instanceof Long || plain instanceof BigInteger) {
            return plain.toString();
        }
        throw item.error("list values must be strings or whole numbers");
    }

    private static void checkRuleText(List<SourceFile> files, List<DataSet> dataSets, List<PolicyProblem> problems) {
        Set<String> defined = new java.util.HashSet<>();
        dataSets.forEach(d -> defined.add(d.getName()));
        for (SourceFile file : files) {
            problems.addAll(RuleShape.checkText(file.display, file.text(), defined));
        }
    }

    /** Finds every {@code rule "id"} declaration, checks ids are well-formed and used once. */
    private Map<String, PolicyRule> declaredRules(List<SourceFile> files, List<PolicyProblem> problems) {
        Map<String, PolicyRule> declared = new LinkedHashMap<>();
        for (SourceFile file : files) {
            String[] lines = RuleShape.code(file.text()).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                Matcher m = RULE_DECLARATION.matcher(line);
                if (!m.find()) {
                    continue;
                }
                String id = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                PolicyRule rule = new PolicyRule(id, file.display, i + 1, List.of());
                if (!RULE_ID.matcher(id).matches()) {
                    problems.add(new PolicyProblem(file.display, i + 1, "rule id '" + id
                            + "' must be dotted lower-case words, e.g. data.export.confidential-production"));
                } else if (id.startsWith("policy.")) {
                    problems.add(new PolicyProblem(file.display, i + 1, "rule id '" + id
                            + "' is reserved: ids starting with 'policy.' name the engine's own reasons"));
                }
                PolicyRule before = declared.putIfAbsent(id, rule);
                if (before != null) {
                    problems.add(new PolicyProblem(file.display, i + 1, "rule id " + id + " is already used at "
                            + before.file() + ":" + before.line() + "; ids must be unique across all rule files"));
                }
            }
        }
        return declared;
    }

    private static KieBase compile(List<SourceFile> files, List<PolicyProblem> problems) {
        if (files.isEmpty()) {
            return null;
        }
        KnowledgeBuilder builder = KnowledgeBuilderFactory.newKnowledgeBuilder(
                KnowledgeBuilderFactory.newKnowledgeBuilderConfiguration(null, Policy.class.getClassLoader()));
        CompositeKnowledgeBuilder batch = builder.batch();
        for (SourceFile file : files) {
            Resource resource = ResourceFactory.newByteArrayResource(file.bytes);
            resource.setSourcePath(file.display);
            batch.add(resource, ResourceType.DRL);
        }
        try {
            batch.build();
        } catch (RuntimeException e) {
            problems.add(new PolicyProblem(files.get(0).display, 0, "rules do not compile: " + e.getMessage()));
            return null;
        }
        List<PolicyProblem> found = new ArrayList<>();
        for (KnowledgeBuilderResult result : builder.getResults(ResultSeverity.ERROR)) {
            String file = result.getResource() != null && result.getResource().getSourcePath() != null
                    ? result.getResource().getSourcePath() : files.get(0).display;
            int[] lines = result.getLines();
            int line = lines != null && lines.length > 0 ? Math.max(lines[0], 0) : 0;
            found.add(new PolicyProblem(file, line, cleanMessage(result.getMessage())));
        }
        // A syntax error also yields a lineless "Parser returned a null Package" for its file: only the
        // located message helps, so the other is dropped when there is one.
        for (PolicyProblem problem : found) {
            boolean located = found.stream().anyMatch(p -> p.file().equals(problem.file()) && p.line() > 0);
            if (!(problem.line() == 0 && located && problem.message().contains("null Package"))) {
                problems.add(problem);
            }
        }
        return found.isEmpty() ? builder.newKieBase() : null;
    }

    private static String cleanMessage(String message) {
        return message == null ? "rule does not compile" : message.replaceAll("\\s+", " ").trim();
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /** Every regular file below {@code dir}, sorted by path so that reading order never depends on the file system. */
    private static List<Path> files(Path dir, String label, String what, List<PolicyProblem> problems) {
        if (!Files.isDirectory(dir)) {
            problems.add(new PolicyProblem(label, 0, what + " directory not found"));
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            problems.add(new PolicyProblem(label, 0, "cannot list directory: " + e.getMessage()));
            return List.of();
        }
    }

    private static SourceFile read(Path file, String display, List<PolicyProblem> problems) {
        try {
            return new SourceFile(display, Files.readAllBytes(file));
        } catch (IOException e) {
            problems.add(new PolicyProblem(display, 0, "cannot read file: " + e.getMessage()));
            return null;
        }
    }

    private static String slashes(Path relative) {
        return relative.toString().replace('\\', '/');
    }

    /** A path as the user would type it: relative to the working directory when below it. */
    static String display(Path absolute) {
        Path cwd = Path.of("").toAbsolutePath();
        return absolute.startsWith(cwd) && !absolute.equals(cwd) ? slashes(cwd.relativize(absolute)) : absolute.toString();
    }

    private record SourceFile(String display, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** SHA-256 over (name, length, content) of every file in name order, so no two policies share a version. */
    private static final class VersionHash {
        private final TreeMap<String, byte[]> files = new TreeMap<>();

        void add(String name, byte[] content) {
            files.put(name, content);
        }

        String value() {
            return versionOf(files);
        }
    }

    /**
     * The version of a policy made of {@code files} (path under {@code rules/} or {@code compliance-mappings/}
     * to content): SHA-256 over (name, length, content) of every file in name order. Evidence bundles carry
     * the files, so anyone can recompute the version a decision names.
     */
    public static String versionOf(Map<String, byte[]> policyFiles) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> file : new TreeMap<>(policyFiles).entrySet()) {
                byte[] name = file.getKey().getBytes(StandardCharsets.UTF_8);
                sha.update(ByteBuffer.allocate(8).putLong(name.length).array());
                sha.update(name);
                sha.update(ByteBuffer.allocate(8).putLong(file.getValue().length).array());
                sha.update(file.getValue());
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
