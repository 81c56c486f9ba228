package io.countersign.inbox;

import java.net.URI;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.countersign.policy.api.Caller;

/**
 * Sign-in with a one-time link, on the embedded default only (with an identity provider this path does
 * not exist: 404). {@code GET} shows who the link is for and a button; only the {@code POST} uses the
 * link, so a chat client or mail scanner that previews the URL does not use it up. The form is bound to a
 * short-lived pre-sign-in cookie, so another site cannot sign a browser in as someone else.
 */
@Path(SignInResource.PATH)
@Produces(MediaType.TEXT_HTML)
public class SignInResource {
    public static final String PATH = "/inbox/sign-in";
    static final String FORM_COOKIE = "countersign_inbox_sign_in";
    private static final int FORM_SECONDS = 15 * 60;

    private final SignInLinks links;
    private final InboxSessions sessions;
    private final SignedIn signedIn;
    private final InboxConfig config;

    SignInResource(SignInLinks links, InboxSessions sessions, SignedIn signedIn, InboxConfig config) {
        this.links = links;
        this.sessions = sessions;
        this.signedIn = signedIn;
        this.config = config;
    }

    @GET
    public Response page(@QueryParam("token") String token) {
        requireLinks();
        if (token == null || token.isBlank()) {
            return Response.status(401).entity(InboxPages.Templates.signIn(null, null, null, null, null,
                    "You are not signed in. Open the sign-in link you were given.")).build();
        }
        Caller person;
        try {
            person = links.check(token);
        } catch (SignInLinks.Refused e) {
            return refused(e);
        }
        String nonce = sessions.randomId();
        return Response.ok(InboxPages.Templates.signIn(null, person.getId(), String.join(", ", person.getGroups()),
                        token.strip(), sessions.csrf(nonce), null))
                .cookie(signedIn.cookie(FORM_COOKIE, nonce, PATH, FORM_SECONDS)).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("token") String token, @FormParam("csrf") String csrf,
            @CookieParam(FORM_COOKIE) String nonce) {
        requireLinks();
        if (nonce == null) {
            throw new InboxException(InboxException.Kind.FORGED,
                    "this sign-in form has expired or did not come from this service; open your link again");
        }
        signedIn.checkForm(nonce, csrf);
        Caller person;
        try {
            person = links.use(token);
        } catch (SignInLinks.Refused e) {
            return refused(e);
        }
        return Response.seeOther(URI.create("/inbox"))
                .cookie(signedIn.cookie(InboxSessions.COOKIE, sessions.start(person), "/inbox", (int) config.sessionTtl().toSeconds()),
                        signedIn.cookie(FORM_COOKIE, "", PATH, 0))
                .build();
    }

    private Response refused(SignInLinks.Refused e) {
        return Response.status(400).entity(InboxPages.Templates.signIn(
                "You are not signed in: " + e.getMessage() + ".", null, null, null, null, null)).build();
    }

    private void requireLinks() {
        // INVARIANT: sign-in links exist only on the embedded default, never once an identity provider is configured.
        if (signedIn.method() != SignInMethod.LINK) {
            throw new NotFoundException();
        }
    }
}
