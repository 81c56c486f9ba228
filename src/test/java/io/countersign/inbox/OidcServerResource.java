package io.countersign.inbox;

import java.util.List;
import java.util.Map;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real OIDC server (mock-oauth2-server: discovery, JWKS, authorize, token endpoints) with two issuers:
 * {@code api} for the API's bearer tokens and {@code inbox} for people signing in with the code flow.
 */
public class OidcServerResource implements QuarkusTestResourceLifecycleManager {
    static final String API_AUDIENCE = "countersign-api";
    static final String CLIENT_ID = "countersign-inbox";
    static MockOAuth2Server server;

    @Override
    public Map<String, String> start() {
        server = new MockOAuth2Server();
        server.start();
        return Map.of(
                "quarkus.oidc.auth-server-url", server.issuerUrl("api").toString(),
                "quarkus.oidc.token.audience", API_AUDIENCE,
                "quarkus.oidc.inbox.auth-server-url", server.issuerUrl("inbox").toString(),
                "quarkus.oidc.inbox.client-id", CLIENT_ID,
                "quarkus.oidc.inbox.credentials.secret", "inbox-client-secret-0123456789abcdef",
                "quarkus.oidc.inbox.application-type", "web-app",
                "quarkus.oidc.inbox.tenant-paths", "/inbox,/inbox/*");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    /** An API bearer token from the provider, with the audience the service expects. */
    static String apiToken(String subject, String type, List<String> groups) {
        return server.issueToken("api", "ci", new DefaultOAuth2TokenCallback("api", subject, "JWT", List.of(API_AUDIENCE),
                Map.of("caller_type", type, "groups", groups), 600)).serialize();
    }

    /** The person the provider signs in next through the code flow: subject, type and groups in the ID token. */
    static void nextSignIn(String subject, String type, List<String> groups) {
        server.enqueueCallback(new DefaultOAuth2TokenCallback("inbox", subject, "JWT", List.of(CLIENT_ID),
                Map.of("caller_type", type, "groups", groups), 600));
    }
}
