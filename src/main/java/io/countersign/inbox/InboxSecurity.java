package io.countersign.inbox;

import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.vertx.http.security.HttpSecurity;

/**
 * With an identity provider, every inbox page needs a code-flow sign-in through the {@code inbox} tenant
 * ({@code tenant-paths=/inbox,/inbox/*}): an unauthenticated request is redirected to the provider. The
 * sign-in link path is left open only so that it can answer 404: it does not exist in that setup.
 */
public class InboxSecurity {
    private static final Logger LOG = Logger.getLogger(InboxSecurity.class);

    void requireSignIn(@Observes HttpSecurity security) {
        SignInMethod method = SignInMethod.of(ConfigProvider.getConfig());
        switch (method) {
            case PROVIDER -> {
                security.path(SignInResource.PATH).permit();
                security.path("/inbox", "/inbox/*").authorizationCodeFlow().authenticated();
                LOG.info("Web inbox: sign-in through the identity provider (OIDC tenant 'inbox')");
            }
            case NONE -> LOG.info("Web inbox: off (an identity provider is configured for the API, but no"
                    + " quarkus.oidc.inbox.* tenant for people to sign in with)");
            case LINK -> LOG.info("Web inbox: sign in with a link from ./countersign sign-in-link");
        }
    }
}
