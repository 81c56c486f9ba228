package io.countersign.yaml;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A node of a parsed YAML document that knows its file, line and path, so that every error can say
 * exactly where it is. Readers ask for the type they expect; anything else is an error, never a guess.
 */
public final class YamlNode {
    private final Node node;
    private final String file;
    private final String path;
    private final int depth;

    YamlNode(Node node, String file, String path, int depth) {
        this.node = node;
        this.file = file;
        this.path = path;
        this.depth = depth;
    }

    public String file() {
        return file;
    }

    public int line() {
        return node.getStartMark().getLine() + 1;
    }

    /** The dotted path from the document root, e.g. {@code tests[2].input.action}. */
    public String path() {
        return path;
    }

    public YamlException error(String message) {
        return new YamlException(file, line(), path, (path.isEmpty() ? "" : path + ": ") + message);
    }

    public boolean isNull() {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    public boolean isSequence() {
        return node instanceof SequenceNode;
    }

    /** This node as a mapping whose keys must all be among {@code allowedKeys}. */
    public Mapping mapping(Set<String> allowedKeys) {
        Mapping mapping = mapping();
        for (Map.Entry<String, YamlNode> entry : mapping.entries.entrySet()) {
            if (!allowedKeys.contains(entry.getKey())) {
                throw mapping.keyNodes.get(entry.getKey()).error("unknown key '" + entry.getKey()
                        + "' (allowed: " + String.join(", ", allowedKeys.stream().sorted().toList()) + ")");
            }
        }
        return mapping;
    }

    /** This node as a mapping with any string keys. */
    public Mapping mapping() {
        if (!(node instanceof MappingNode mappingNode)) {
            throw error("expected a mapping, got " + describe());
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        Map<String, YamlNode> keyNodes = new LinkedHashMap<>();
        for (NodeTuple tuple : mappingNode.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey) || scalarKey.getTag().equals(Tag.NULL)) {
                throw new YamlNode(keyNode, file, path, depth).error("keys must be plain strings");
            }
            String key = scalarKey.getValue();
            if (entries.containsKey(key)) {
                throw new YamlNode(keyNode, file, path, depth).error("key '" + key + "' appears twice; the second would"
                        + " silently replace the first");
            }
            String childPath = path.isEmpty() ? key : path + "." + key;
            entries.put(key, new YamlNode(tuple.getValueNode(), file, childPath, depth + 1));
            keyNodes.put(key, new YamlNode(keyNode, file, childPath, depth + 1));
        }
        return new Mapping(this, entries, keyNodes);
    }

    public List<YamlNode> sequence() {
        if (!(node instanceof SequenceNode sequenceNode)) {
            throw error("expected a list, got " + describe());
        }
        List<YamlNode> items = new ArrayList<>();
        List<Node> values = sequenceNode.getValue();
        for (int i = 0; i < values.size(); i++) {
            items.add(new YamlNode(values.get(i), file, path + "[" + i + "]", depth + 1));
        }
        return items;
    }

    /** A string scalar. Numbers, booleans and null are refused: quote them if a string is meant. */
    public String string() {
        if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR)) {
            return scalar.getValue();
        }
        throw error("expected a string, got " + describe());
    }

    /** A boolean: {@code true} or {@code false} only. */
    public boolean bool() {
        if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)
                && (scalar.getValue().equals("true") || scalar.getValue().equals("false"))) {
            return scalar.getValue().equals("true");
        }
        throw error("expected true or false, got " + describe());
    }

    public int integer(int min, int max) {
        if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)) {
            try {
                int value = Integer.parseInt(scalar.getValue().replace("_", ""));
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // out of range, reported below
            }
            throw error("expected a whole number from " + min + " to " + max + ", got " + scalar.getValue());
        }
        throw error("expected a whole number, got " + describe());
    }

    public List<String> stringList() {
        List<String> values = new ArrayList<>();
        for (YamlNode item : sequence()) {
            values.add(item.string());
        }
        return values;
    }

    /**
     * Converts a free-form value (attributes) into plain Java values: String, Long, BigInteger, Double,
     * Boolean, null, List and Map, with the depth the parser already bounds.
     */
    public Object plainValue() {
        if (node instanceof ScalarNode scalar) {
            Tag tag = scalar.getTag();
            String value = scalar.getValue();
            if (tag.equals(Tag.NULL)) {
                return null;
            }
            if (tag.equals(Tag.BOOL)) {
                return Boolean.parseBoolean(value) || value.equalsIgnoreCase("yes") || value.equalsIgnoreCase("on");
            }
            if (tag.equals(Tag.INT)) {
                try {
                    BigInteger big = new BigInteger(value.replace("_", "").replace("+", ""));
                    return big.bitLength() < 64 ? (Object) big.longValue() : big;
                } catch (NumberFormatException e) {
                    throw error("'" + value + "' is a YAML 1.1 number form that is not supported;"
                            + " write it in decimal, or quote it if it is text");
                }
            }
            if (tag.equals(Tag.FLOAT)) {
                try {
                    return Double.parseDouble(value.replace("_", ""));
                } catch (NumberFormatException e) {
                    throw error("unsupported number " + value);
                }
            }
            if (tag.equals(Tag.STR)) {
                return value;
            }
            throw error("unsupported value type " + tag.getValue());
        }
        if (node instanceof SequenceNode) {
            List<Object> values = new ArrayList<>();
            for (YamlNode item : sequence()) {
                values.add(item.plainValue());
            }
            return Collections.unmodifiableList(values);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        mapping().entries.forEach((key, value) -> values.put(key, value.plainValue()));
        return Collections.unmodifiableMap(values);
    }

    private String describe() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        Tag tag = node.getTag();
        if (tag.equals(Tag.NULL)) {
            return "nothing (null)";
        }
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            return "a number (" + ((ScalarNode) node).getValue() + ")";
        }
        if (tag.equals(Tag.BOOL)) {
            return "a boolean (" + ((ScalarNode) node).getValue() + ")";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    /** A mapping's entries in document order, with the key nodes kept for errors. */
    public static final class Mapping {
        private final YamlNode owner;
        private final Map<String, YamlNode> entries;
        private final Map<String, YamlNode> keyNodes;

        Mapping(YamlNode owner, Map<String, YamlNode> entries, Map<String, YamlNode> keyNodes) {
            this.owner = owner;
            this.entries = entries;
            this.keyNodes = keyNodes;
        }

        public YamlNode node() {
            return owner;
        }

        public Set<String> keys() {
            return entries.keySet();
        }

        /**
         * The value under {@code key}, if the key is there. A key written with no value is an error, not
         * "absent": {@code rules:} left empty in a test must not quietly check nothing.
         */
        public Optional<YamlNode> get(String key) {
            YamlNode value = entries.get(key);
            if (value != null && value.isNull()) {
                throw keyNodes.get(key).error("'" + key + "' has no value; give it one or remove the key");
            }
            return Optional.ofNullable(value);
        }

        /** The value under {@code key}, with an explicit null meaning absent, as JSON request bodies use it. */
        public Optional<YamlNode> getUnlessNull(String key) {
            YamlNode value = entries.get(key);
            return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
        }

        public YamlNode require(String key) {
            return getUnlessNull(key).orElseThrow(() -> {
                String field = owner.path.isEmpty() ? key : owner.path + "." + key;
                return new YamlException(owner.file, owner.line(), field, (owner.path.isEmpty() ? "" : owner.path + ": ")
                        + "missing required key '" + key + "'");
            });
        }

        public YamlNode keyNode(String key) {
            return keyNodes.get(key);
        }

        public Map<String, YamlNode> entries() {
            return entries;
        }

        public Optional<String> string(String key) {
            return get(key).map(YamlNode::string);
        }

        public String requireString(String key) {
            return require(key).string();
        }
    }
}
