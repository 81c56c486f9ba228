package io.countersign.compliance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.countersign.yaml.YamlDocument;
import io.countersign.yaml.YamlException;
import io.countersign.yaml.YamlNode;

/**
 * The control catalogue ({@code catalogue/*.yaml}, one file per framework) and the mapping of rule ids to
 * control ids (every other {@code *.yaml}), read from {@code compliance-mappings/}.
 *
 * @param ruleControls rule id to qualified control ids, each checked against the catalogue
 * @param mappingLocations where each rule id is mapped, for errors that point at the mapping
 */
public record ComplianceMappings(ControlCatalogue catalogue, Map<String, List<String>> ruleControls,
        Map<String, Location> mappingLocations) {

    public static final String CATALOGUE_DIR = "catalogue";
    private static final Pattern LOCAL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.()\\-]{0,31}");
    private static final Set<String> BASELINES = Set.of("li-saas", "low", "moderate", "high");

    /** A place in a file. */
    public record Location(String file, int line) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    /** One YAML file of the mappings directory, already read (so what is parsed is what was hashed). */
    public record SourceText(String relative, String display, String text) {
    }

    /**
     * Reads the files of the mappings directory; every problem found is added to {@code problems} (as
     * {@code file:line: message}) so that one run reports them all.
     */
    public static ComplianceMappings read(List<SourceText> files, List<YamlException> problems) {
        Map<String, Control> controls = new LinkedHashMap<>();
        Map<String, Location> controlLocations = new LinkedHashMap<>();
        Map<String, List<String>> ruleControls = new LinkedHashMap<>();
        Map<String, Location> mappingLocations = new LinkedHashMap<>();
        List<YamlNode> mappingDocs = new ArrayList<>();
        for (SourceText file : files) {
            try {
                YamlNode doc = YamlDocument.parse(file.text(), file.display());
                if (file.relative().startsWith(CATALOGUE_DIR + "/")) {
                    readCatalogue(doc, controls, controlLocations, problems);
                } else {
                    mappingDocs.add(doc);
                }
            } catch (YamlException e) {
                problems.add(e);
            }
        }
        ControlCatalogue catalogue = new ControlCatalogue(controls);
        for (YamlNode doc : mappingDocs) {
            try {
                readMappings(doc, catalogue, ruleControls, mappingLocations, problems);
            } catch (YamlException e) {
                problems.add(e);
            }
        }
        return new ComplianceMappings(catalogue, ruleControls, mappingLocations);
    }

    private static void readCatalogue(YamlNode doc, Map<String, Control> controls,
            Map<String, Location> locations, List<YamlException> problems) {
        YamlNode.Mapping root = doc.mapping(Set.of("framework", "title", "controls"));
        YamlNode frameworkNode = root.require("framework");
        Framework framework;
        try {
            framework = Framework.valueOf(frameworkNode.string());
        } catch (IllegalArgumentException e) {
            throw frameworkNode.error("unknown framework '" + frameworkNode.string() + "' (known: SOC2, ISO27001, FEDRAMP)");
        }
        root.requireString("title");
        for (YamlNode item : root.require("controls").sequence()) {
            try {
                YamlNode.Mapping control = item.mapping(Set.of("id", "title", "baselines"));
                YamlNode idNode = control.require("id");
                String localId = idNode.string();
                if (!LOCAL_ID.matcher(localId).matches()) {
                    throw idNode.error("'" + localId + "' is not a control id");
                }
                String id = framework + ":" + localId;
                List<String> baselines = control.get("baselines").map(YamlNode::stringList).orElse(List.of());
                if (framework != Framework.FEDRAMP && control.get("baselines").isPresent()) {
                    throw control.keyNode("baselines").error("baselines belong to FEDRAMP controls only");
                }
                for (String baseline : baselines) {
                    if (!BASELINES.contains(baseline)) {
                        throw control.require("baselines").error("unknown baseline '" + baseline
                                + "' (known: li-saas, low, moderate, high)");
                    }
                }
                Location here = new Location(item.file(), item.line());
                Location before = locations.putIfAbsent(id, here);
                if (before != null) {
                    throw idNode.error("control " + id + " is already defined at " + before);
                }
                controls.put(id, new Control(id, framework, control.requireString("title"), baselines));
            } catch (YamlException e) {
                problems.add(e);
            }
        }
    }

    private static void readMappings(YamlNode doc, ControlCatalogue catalogue, Map<String, List<String>> ruleControls,
            Map<String, Location> locations, List<YamlException> problems) {
        YamlNode.Mapping root = doc.mapping(Set.of("rules"));
        YamlNode.Mapping rules = root.require("rules").mapping();
        for (Map.Entry<String, YamlNode> entry : rules.entries().entrySet()) {
            String rule = entry.getKey();
            YamlNode value = entry.getValue();
            YamlNode key = rules.keyNode(rule);
            try {
                Location here = new Location(key.file(), key.line());
                Location before = locations.putIfAbsent(rule, here);
                if (before != null) {
                    throw key.error("rule " + rule + " is already mapped at " + before);
                }
                if (value.isNull()) {
                    throw key.error("rule " + rule + " maps to no control; name at least one");
                }
                List<String> ids = value.stringList();
                if (ids.isEmpty()) {
                    throw value.error("rule " + rule + " maps to no control; name at least one");
                }
                List<YamlNode> items = value.sequence();
                for (int i = 0; i < ids.size(); i++) {
                    if (catalogue.find(ids.get(i)).isEmpty()) {
                        throw items.get(i).error("control " + ids.get(i) + " is not in the catalogue"
                                + (ids.get(i).contains(":") ? "" : " (write FRAMEWORK:ID, e.g. SOC2:CC6.1)"));
                    }
                }
                ruleControls.put(rule, List.copyOf(ids));
            } catch (YamlException e) {
                problems.add(e);
            }
        }
    }
}
