package io.countersign.channel.teams;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Microsoft Teams, {@code countersign.teams.*}. Two modes, each off until configured: a Workflows webhook
 * that posts cards linking to the web inbox ({@code webhook.url}), and a bot that lets approvers vote on
 * the card itself ({@code bot.enabled}).
 */
@ConfigMapping(prefix = "countersign.teams")
public interface TeamsConfig {
    Webhook webhook();

    Bot bot();

    interface Webhook {
        /**
         * The URL of a Teams Workflows "post to a channel when a webhook request is received" flow. When set,
         * every new request and every outcome is posted there as an Adaptive Card; approvers follow the card's
         * link to the web inbox (a webhook cannot call back).
         */
        Optional<URI> url();
    }

    interface Bot {
        /** Accept Bot Framework activities at {@code POST /v1/integrations/teams/messages}. */
        @WithDefault("false")
        boolean enabled();

        /** The bot's Microsoft app id: the audience every Bot Framework token must name. Required when enabled. */
        Optional<String> appId();

        /** The OpenID metadata document whose {@code jwks_uri} lists the keys Bot Framework tokens are signed with. */
        @WithDefault("https://login.botframework.com/v1/.well-known/openidconfiguration")
        URI openidMetadataUrl();

        /** The issuer of Bot Framework tokens. */
        @WithDefault("https://api.botframework.com")
        String issuer();

        /** Clock skew allowed on a token's {@code exp} and {@code nbf}. */
        @WithDefault("5m")
        Duration maxClockSkew();

        /**
         * Where new requests are posted with vote buttons: approver group to Teams conversation id
         * ({@code countersign.teams.bot.conversations."security"=19:...@thread.tacv2}). Needs
         * {@code service-url} and {@code app-password}.
         */
        Map<String, String> conversations();

        /** The Bot Connector service URL of the tenant's Teams region, e.g. {@code https://smba.trafficmanager.net/emea/}. */
        Optional<URI> serviceUrl();

        /** The bot's client secret, for the client-credentials token that posting cards needs. */
        Optional<String> appPassword();

        /** Where the bot gets its token (client-credentials grant, scope {@code https://api.botframework.com/.default}). */
        @WithDefault("https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token")
        URI tokenUrl();
    }
}
