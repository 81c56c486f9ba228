package io.countersign.people;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** {@code countersign.people.*}: who the people deciding in chat channels are. */
@ConfigMapping(prefix = "countersign.people")
public interface PeopleConfig {
    /**
     * A YAML file listing the people who may decide in Slack or Teams: their identity provider subject,
     * email, groups and, where the email does not match, their Slack user id or Entra object id. Without
     * it, no one's click in a chat channel counts.
     */
    Optional<Path> file();
}
