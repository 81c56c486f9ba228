package io.countersign.yaml;

/** A YAML document that does not have the expected shape, with the place it went wrong. */
public final class YamlException extends RuntimeException {
    private final String file;
    private final int line;
    private final String field;

    public YamlException(String file, int line, String message) {
        this(file, line, null, message);
    }

    /** An error about one field; {@code field} is its dotted path (e.g. {@code resource.environment}). */
    public YamlException(String file, int line, String field, String message) {
        super(message);
        this.file = file;
        this.line = line;
        this.field = field == null || field.isEmpty() ? null : field;
    }

    /** The dotted path of the offending field, or null when the problem is the document as a whole. */
    public String field() {
        return field;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    /** {@code file:line: message}, the form every loader error takes ({@code file: message} when no line applies). */
    public String located() {
        return file + (line > 0 ? ":" + line : "") + ": " + getMessage();
    }
}
