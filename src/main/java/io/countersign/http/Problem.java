package io.countersign.http;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An {@code application/problem+json} body (RFC 9457) with a stable snake_case {@code code} that
 * clients branch on, a human {@code detail}, and the offending {@code field} (and its {@code line} in the
 * body) where there is one. {@code problems} lists {@code file:line: message} entries for policy errors.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String code, String detail, String field, Integer line,
        List<String> problems) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String title, String detail) {
        return new Problem("urn:countersign:problem:" + code, title, status, code, detail, null, null, null);
    }

    public Problem withField(String field, Integer line) {
        return new Problem(type, title, status, code, detail, field, line, problems);
    }

    public Problem withProblems(List<String> problems) {
        return new Problem(type, title, status, code, detail, field, line, List.copyOf(problems));
    }

    public ProblemException exception() {
        return new ProblemException(this);
    }
}
