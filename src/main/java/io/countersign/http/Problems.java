package io.countersign.http;

import io.countersign.yaml.YamlException;

/** The problems every part of the API shares, so that one code always means one thing. */
public final class Problems {
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private Problems() {
    }

    public static Problem badRequest(YamlException e) {
        return Problem.of(400, "invalid_request", "Invalid request", e.getMessage())
                .withField(e.field(), e.line() > 0 ? e.line() : null);
    }

    public static Problem badParameter(String parameter, String detail) {
        return Problem.of(400, "invalid_parameter", "Invalid parameter", parameter + ": " + detail)
                .withField(parameter, null);
    }

    public static Problem unauthorized(String detail) {
        return Problem.of(401, "unauthorized", "Authentication required", detail);
    }

    public static Problem forbidden(String detail) {
        return Problem.of(403, "forbidden", "Not allowed", detail);
    }

    public static Problem notFound(String detail) {
        return Problem.of(404, "not_found", "Not found", detail);
    }

    public static Problem tooLarge() {
        return Problem.of(413, "body_too_large", "Request body too large",
                "the body is larger than " + MAX_BODY_BYTES / 1024 + " KiB");
    }

    public static Problem logUnavailable(String detail) {
        return Problem.of(503, "log_unavailable", "Decision log unavailable",
                "the decision could not be recorded, so none is given: " + detail);
    }
}
