package io.countersign.yaml;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Parses one YAML (or JSON) document into a node tree that keeps line numbers. Only the node tree is
 * built, never Java objects, so no tag in the input can instantiate a class.
 */
public final class YamlDocument {
    static final int MAX_DEPTH = 32;
    private static final int MAX_ALIASES = 50;
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
            List<Node> documents = new java.util.ArrayList<>();
            yaml.composeAll(reader).forEach(documents::add);
            if (documents.size() > 1) {
                throw new YamlException(displayName, documents.get(1).getStartMark().getLine() + 1,
                        "only one YAML document per file is read; remove the '---' separator");
            }
            return documents.isEmpty() ? null : documents.get(0);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? e.getContext() + ": " : "";
            throw new YamlException(displayName, line, "invalid YAML: " + context + problem.trim());
        } catch (YAMLException e) {
            throw new YamlException(displayName, 1, "invalid YAML: " + e.getMessage());
        }
    }
}
