package io.countersign.policy;

import io.countersign.yaml.YamlException;

/** One reason a policy does not load, located in its file ({@code line} 0 when no line applies). */
public record PolicyProblem(String file, int line, String message) implements Comparable<PolicyProblem> {

    static PolicyProblem of(YamlException e) {
        return new PolicyProblem(e.file(), e.line(), e.getMessage());
    }

    @Override
    public int compareTo(PolicyProblem other) {
        int byFile = file.compareTo(other.file);
        return byFile != 0 ? byFile : Integer.compare(line, other.line);
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + message;
    }
}
