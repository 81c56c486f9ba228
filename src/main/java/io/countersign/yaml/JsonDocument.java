package io.countersign.yaml;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * Reads a JSON text (an HTTP body) into the same line-aware node tree as {@link YamlDocument}, so that
 * one strict reader serves policy tests and the API alike. Jackson's streaming parser does the parsing:
 * strict JSON only (no comments, no trailing commas, no NaN), duplicate keys refused, depth bounded.
 */
public final class JsonDocument {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonDocument() {
    }

    public static YamlNode parse(byte[] json, String displayName) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new YamlException(displayName, 1, "the body is empty");
            }
            Node root = node(parser, first, displayName, 1);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new YamlException(displayName, line(parser.currentTokenLocation()),
                        "invalid JSON: unexpected content after the end of the document");
            }
            return new YamlNode(root, displayName, "", 0);
        } catch (JsonParseException e) {
            throw new YamlException(displayName, line(e.getLocation()), "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new YamlException(displayName, 1, "invalid JSON: " + e.getMessage());
        }
    }

    private static Node node(JsonParser parser, JsonToken token, String displayName, int depth) throws IOException {
        if (token == null) {
            throw new YamlException(displayName, line(parser.currentLocation()), "invalid JSON: unexpected end of input");
        }
        Mark mark = mark(parser.currentTokenLocation());
        if (depth > YamlDocument.MAX_DEPTH) {
            throw new YamlException(displayName, mark.getLine() + 1,
                    "nested deeper than " + YamlDocument.MAX_DEPTH + " levels");
        }
        switch (token) {
            case START_OBJECT -> {
                List<NodeTuple> tuples = new ArrayList<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    Node key = scalar(Tag.STR, parser.currentName(), mark(parser.currentTokenLocation()));
                    Node value = node(parser, parser.nextToken(), displayName, depth + 1);
                    tuples.add(new NodeTuple(key, value));
                }
                return new MappingNode(Tag.MAP, false, tuples, mark, mark, DumperOptions.FlowStyle.FLOW);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(node(parser, next, displayName, depth + 1));
                }
                return new SequenceNode(Tag.SEQ, false, items, mark, mark, DumperOptions.FlowStyle.FLOW);
            }
            case VALUE_STRING -> {
                return scalar(Tag.STR, parser.getText(), mark);
            }
            case VALUE_NUMBER_INT -> {
                return scalar(Tag.INT, parser.getText(), mark);
            }
            case VALUE_NUMBER_FLOAT -> {
                return scalar(Tag.FLOAT, parser.getText(), mark);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return scalar(Tag.BOOL, parser.getText(), mark);
            }
            case VALUE_NULL -> {
                return scalar(Tag.NULL, "null", mark);
            }
            default -> throw new YamlException(displayName, mark.getLine() + 1, "invalid JSON: unexpected " + token);
        }
    }

    private static Node scalar(Tag tag, String value, Mark mark) {
        return new ScalarNode(tag, value, mark, mark, DumperOptions.ScalarStyle.PLAIN);
    }

    private static Mark mark(JsonLocation location) {
        int line = Math.max(0, location.getLineNr() - 1);
        int column = Math.max(0, location.getColumnNr() - 1);
        return new Mark("json", (int) Math.max(0, location.getCharOffset()), line, column, new int[0], 0);
    }

    private static int line(JsonLocation location) {
        return location == null ? 1 : Math.max(1, location.getLineNr());
    }
}
