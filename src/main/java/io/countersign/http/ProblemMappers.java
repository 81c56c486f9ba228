package io.countersign.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** Every error leaves as problem+json; an unexpected one is logged and reveals nothing of its cause. */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    public static Response response(Problem problem) {
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (problem.status() == 401) {
            response.header("WWW-Authenticate", "Bearer");
        } else if (problem.status() == 503) {
            // Overload or an outage: a well-behaved client backs off rather than retrying at once.
            response.header("Retry-After", "1");
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return response(e.problem());
    }

    @ServerExceptionMapper
    public Response logUnavailable(io.countersign.audit.LogUnavailableException e) {
        return response(Problem.of(503, "log_unavailable", "Decision log unavailable", "the log cannot be read or written now"));
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return response(Problems.unauthorized("the bearer token is missing, expired or not valid"));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return response(Problems.unauthorized("a bearer token is required"));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return response(Problems.forbidden("this call needs a role the caller does not have"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 413) {
            return response(Problems.tooLarge());
        }
        String code = switch (status) {
            case 400 -> "invalid_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "http_" + status;
        };
        String title = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Error";
        return response(Problem.of(status, code, title, status >= 500 ? "the request could not be completed" : e.getMessage()));
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e) {
        LOG.error("unexpected error answering a request", e);
        return response(Problem.of(500, "internal_error", "Internal error", "the request could not be completed"));
    }
}
