package io.countersign.inbox;

import java.net.URI;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * What every inbox answer shares: the security headers, and pages (not problem+json) for the inbox's
 * own refusals. Nobody signed in goes to the sign-in page (with links) or to the provider (the code flow
 * redirects before the page is reached).
 */
public class InboxHttp {
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    @ServerExceptionMapper
    public Response refused(InboxException e) {
        if (e.kind() == InboxException.Kind.SIGN_IN) {
            return Response.seeOther(URI.create(SignInResource.PATH)).build();
        }
        String title = switch (e.kind()) {
            case FORGED -> "Refused";
            case OFF -> "Inbox not available";
            default -> "Not found";
        };
        return Response.status(e.kind().status).type(MediaType.TEXT_HTML)
                .entity(InboxPages.Templates.message(title, capitalized(e.getMessage()), "/inbox", "Back to the inbox")).build();
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (!path.equals("/inbox") && !path.startsWith("/inbox/")) {
            return;
        }
        MultivaluedMap<String, Object> headers = response.getHeaders();
        headers.putSingle("Content-Security-Policy", CSP);
        headers.putSingle("X-Frame-Options", "DENY");
        headers.putSingle("Referrer-Policy", "no-referrer");
        headers.putSingle("X-Content-Type-Options", "nosniff");
        headers.putSingle("Cache-Control", "no-store");
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1) + (text.endsWith(".") ? "" : ".");
    }
}
