package io.countersign.yaml;

/** A YAML document that does not have the expected shape, with the place it went wrong. */
public final class YamlException extends RuntimeException {
    private final String file;
    private final int line;

    public YamlException(String file, int line, String message) {
        super(message);
        this.file = file;
        this.line = line;
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
