package io.countersign.identity;

import java.nio.file.Path;
import java.security.KeyPair;

import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.countersign.keys.KeyFiles;
import io.quarkus.oidc.Oidc;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.runtime.OidcTenantConfig.SignatureAlgorithm;

/**
 * With no identity provider configured ({@code quarkus.oidc.auth-server-url} unset), sets up the
 * default OIDC tenant to verify tokens against the local key under the data directory, creating the
 * key on first start. Issuer, audience, expiry and the RS256 algorithm are all checked; unsigned
 * ({@code alg: none}) tokens never verify.
 */
public class LocalIdentitySetup {
    private static final Logger LOG = Logger.getLogger(LocalIdentitySetup.class);

    void createDefaultTenant(@Observes Oidc oidc, IdentityConfig config,
            @ConfigProperty(name = "countersign.data-dir") Path dataDir) {
        var settings = ConfigProvider.getConfig();
        if (settings.getOptionalValue("quarkus.oidc.auth-server-url", String.class).isPresent()) {
            // Without an audience, any token the provider issues for any client would be accepted here.
            if (settings.getOptionalValue("quarkus.oidc.token.audience", String.class).isEmpty()) {
                throw new io.quarkus.runtime.configuration.ConfigurationException(
                        "quarkus.oidc.auth-server-url is set but quarkus.oidc.token.audience is not: set it to the"
                                + " audience your identity provider puts in tokens meant for Countersign");
            }
            return;
        }
        KeyPair key = LocalTokens.key(dataDir);
        String publicKey = KeyFiles.publicPem(key).replaceAll("-----[A-Z ]+-----|\\s", "");
        oidc.create(OidcTenantConfig.builder()
                .publicKey(publicKey)
                .token().issuer(config.localIssuer()).audience(config.localAudience())
                .signatureAlgorithm(SignatureAlgorithm.RS256).lifespanGrace(0).end()
                .build());
        LOG.infof("Identity: tokens are verified against the local key %s (mint with ./countersign token)",
                dataDir.resolve(LocalTokens.KEY_FILE));
    }
}
