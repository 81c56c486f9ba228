package io.countersign.inbox;

import java.net.URI;
import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.core.NewCookie;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.countersign.approval.ApprovalConfig;
import io.countersign.identity.CallerAugmentor;
import io.countersign.policy.api.Caller;
import io.quarkus.oidc.OidcSession;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;

/**
 * Who is signed in to the inbox, for every inbox resource method: the person of a session cookie (sign-in
 * links) or of the code flow (identity provider), with the CSRF token their forms carry, and the check
 * every form post passes before anything happens. Bearer tokens never sign anyone in here.
 */
@RequestScoped
public class SignedIn {
    /** The signed-in person; {@code sessionId} binds the CSRF token, {@code session} is set for link sessions. */
    public record User(Caller caller, String sessionId, String csrf, InboxSessions.Session session) {
    }

    private final InboxSessions sessions;
    private final InboxConfig config;
    private final ApprovalConfig approvals;
    private final RoutingContext request;
    private final Instance<SecurityIdentity> identity;
    private final Instance<OidcSession> oidcSession;
    private final SignInMethod method = SignInMethod.of(ConfigProvider.getConfig());

    SignedIn(InboxSessions sessions, InboxConfig config, ApprovalConfig approvals, RoutingContext request,
            Instance<SecurityIdentity> identity, Instance<OidcSession> oidcSession) {
        this.sessions = sessions;
        this.config = config;
        this.approvals = approvals;
        this.request = request;
        this.identity = identity;
        this.oidcSession = oidcSession;
    }

    public SignInMethod method() {
        return method;
    }

    /** The person signed in to this request, or an {@link InboxException} that sends them to sign in. */
    public User require() {
        return current().orElseThrow(() -> method == SignInMethod.NONE
                ? new InboxException(InboxException.Kind.OFF, "the web inbox is not set up on this service")
                : new InboxException(InboxException.Kind.SIGN_IN, "sign in to see your inbox"));
    }

    public Optional<User> current() {
        switch (method) {
            case LINK -> {
                Cookie cookie = request.request().getCookie(InboxSessions.COOKIE);
                return sessions.read(cookie == null ? null : cookie.getValue())
                        .map(s -> new User(s.caller(), s.id(), sessions.csrf(s.id()), s));
            }
            case PROVIDER -> {
                SecurityIdentity who = identity.get();
                Caller caller = who.isAnonymous() ? null : who.getAttribute(CallerAugmentor.CALLER_ATTRIBUTE);
                if (caller == null || !(who.getPrincipal() instanceof JsonWebToken idToken) || idToken.getRawToken() == null) {
                    return Optional.empty();
                }
                String id = InboxSessions.idOf(idToken.getRawToken());
                return Optional.of(new User(caller, id, sessions.csrf(id), null));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /**
     * Every form post: the CSRF token of the session must match, and a stated Origin (or Referer) must be
     * this service. Nothing is done for a post that fails either.
     */
    public void checkForm(String sessionId, String csrf) {
        String origin = request.request().getHeader("Origin");
        // "null" is what browsers send under Referrer-Policy: no-referrer; the token still decides.
        String stated = origin != null && !origin.equals("null") ? origin : origin == null ? request.request().getHeader("Referer") : null;
        if (stated != null && !sameOrigin(stated)) {
            throw new InboxException(InboxException.Kind.FORGED, "this form was sent from another site; nothing was done");
        }
        if (!sessions.csrfMatches(sessionId, csrf)) {
            throw new InboxException(InboxException.Kind.FORGED,
                    "this form has expired or did not come from this page; nothing was done. Reload the page and try again");
        }
    }

    /**
     * An inbox cookie: HttpOnly, SameSite=Strict, and Secure over https or when configured (TLS ends at a
     * proxy). A {@code maxAge} of 0 removes it.
     */
    public NewCookie cookie(String name, String value, String path, int maxAge) {
        boolean secure = config.secureCookie() || "https".equalsIgnoreCase(request.request().scheme());
        return new NewCookie.Builder(name).value(value).path(path).maxAge(maxAge).httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }

    /** Signs out: a link session is ended for good; a code-flow session is removed. */
    public void signOut(User user) {
        if (user.session() != null) {
            sessions.end(user.session());
        } else if (method == SignInMethod.PROVIDER) {
            oidcSession.get().logout().await().indefinitely();
        }
    }

    private boolean sameOrigin(String stated) {
        String authority;
        try {
            authority = URI.create(stated).getRawAuthority();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (authority == null) {
            return false;
        }
        String host = request.request().getHeader("Host");
        if (authority.equalsIgnoreCase(host)) {
            return true;
        }
        try {
            return authority.equalsIgnoreCase(URI.create(approvals.publicUrl()).getRawAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
