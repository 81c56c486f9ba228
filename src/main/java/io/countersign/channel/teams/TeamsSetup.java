package io.countersign.channel.teams;

import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/** Refuses to start with a Teams configuration that could not work, and says which modes are on. */
public class TeamsSetup {
    private static final Logger LOG = Logger.getLogger(TeamsSetup.class);

    void check(@Observes StartupEvent event, TeamsConfig config) {
        config.webhook().url().ifPresent(url -> LOG.infof("Teams: requests and outcomes are posted to the Workflows webhook %s://%s/…",
                url.getScheme(), url.getHost()));
        TeamsConfig.Bot bot = config.bot();
        if (!bot.enabled()) {
            return;
        }
        if (bot.appId().filter(id -> !id.isBlank()).isEmpty()) {
            throw new ConfigurationException("countersign.teams.bot.enabled is true but countersign.teams.bot.app-id is not set:"
                    + " it is the audience every Bot Framework token must carry");
        }
        if (!bot.conversations().isEmpty() && (bot.serviceUrl().isEmpty() || bot.appPassword().filter(p -> !p.isBlank()).isEmpty())) {
            throw new ConfigurationException("countersign.teams.bot.conversations needs countersign.teams.bot.service-url and"
                    + " countersign.teams.bot.app-password to post cards");
        }
        LOG.infof("Teams: bot %s receives card actions at /v1/integrations/teams/messages; cards are posted for groups %s",
                bot.appId().get(), bot.conversations().keySet());
    }
}
