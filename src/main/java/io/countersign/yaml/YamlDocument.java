package io.countersign.yaml;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Parses one YAML (or JSON) document into a node tree that keeps line numbers. Only the node tree is
 * built, never Java objects, so no tag in the input can instantiate a class. Aliases are bounded by what
 * they repeat, not only by their count: fifty aliases of lists of aliases would otherwise make a few
 * hundred bytes read as billions of values (the "billion laughs").
 */
public final class YamlDocument {
    static final int MAX_DEPTH = 32;
    private static final int MAX_ALIASES = 50;
    /** The most values aliases may repeat in one document, however they nest. */
    static final int MAX_REPEATED = 100_000;
    private static final int MAX_CODE_POINTS = 8 * 1024 * 1024;

    private YamlDocument() {
    }

    /** Reads {@code path}, naming it {@code displayName} in errors. An empty file is an error. */
    public static YamlNode read(Path path, String displayName) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new YamlException(displayName, 1, "cannot read file: " + e.getMessage());
        }
        return parse(text, displayName);
    }

    public static YamlNode parse(String text, String displayName) {
        Node root = compose(new StringReader(text), displayName);
        if (root == null) {
            throw new YamlException(displayName, 1, "the file is empty");
        }
        return new YamlNode(root, displayName, "", 0);
    }

    private static Node compose(Reader reader, String displayName) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        Yaml yaml = new Yaml(options);
        try {
            List<Node> documents = new ArrayList<>();
            yaml.composeAll(reader).forEach(documents::add);
            if (documents.size() > 1) {
                throw new YamlException(displayName, documents.get(1).getStartMark().getLine() + 1,
                        "only one YAML document per file is read; remove the '---' separator");
            }
            if (documents.isEmpty()) {
                return null;
            }
            new Repeats(displayName).visit(documents.get(0), 0, false);
            return documents.get(0);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? e.getContext() + ": " : "";
            throw new YamlException(displayName, line, "invalid YAML: " + context + problem.trim());
        } catch (YAMLException e) {
            throw new YamlException(displayName, 1, "invalid YAML: " + e.getMessage());
        }
    }

    /**
     * Walks a document as its readers will, following aliases, before anything reads the values: a
     * collection that contains itself, nesting deeper than {@link #MAX_DEPTH} through aliases, or more than
     * {@link #MAX_REPEATED} values repeated by aliases is an error at the line of the value the walk is on.
     */
    private static final class Repeats {
        private final String displayName;
        private final Set<Node> anchored = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
        private long repeated;

        Repeats(String displayName) {
            this.displayName = displayName;
        }

        /** {@code depth}: the collections around {@code node}; {@code again}: whether an alias brought the walk here. */
        void visit(Node node, int depth, boolean again) {
            boolean repeat = again || (node.getAnchor() != null && !anchored.add(node));
            if (repeat && ++repeated > MAX_REPEATED) {
                throw error(node, "aliases repeat more than " + MAX_REPEATED + " values; write the values out instead");
            }
            List<Node> children = children(node);
            if (children.isEmpty()) {
                return;
            }
            if (!open.add(node)) {
                throw error(node, "an alias refers to a collection that contains it");
            }
            if (depth >= MAX_DEPTH) {
                throw error(node, "nested deeper than " + MAX_DEPTH + " levels through aliases");
            }
            for (Node child : children) {
                visit(child, depth + 1, repeat);
            }
            open.remove(node);
        }

        private static List<Node> children(Node node) {
            if (node instanceof MappingNode mapping) {
                List<Node> nodes = new ArrayList<>();
                for (NodeTuple tuple : mapping.getValue()) {
                    nodes.add(tuple.getKeyNode());
                    nodes.add(tuple.getValueNode());
                }
                return nodes;
            }
            return node instanceof SequenceNode sequence ? sequence.getValue() : List.of();
        }

        private YamlException error(Node node, String message) {
            return new YamlException(displayName, node.getStartMark().getLine() + 1, "invalid YAML: " + message);
        }
    }
}
