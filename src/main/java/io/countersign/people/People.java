package io.countersign.people;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.countersign.policy.RequestRules;
import io.countersign.yaml.YamlDocument;
import io.countersign.yaml.YamlException;
import io.countersign.yaml.YamlNode;

/**
 * The people who may decide from chat channels, read once at startup from {@code countersign.people.file}.
 * A chat platform's user becomes a voter only through this file: by the verified email the platform
 * reports, or by the user id listed for the person. The groups that count are the file's, since an OIDC
 * provider cannot be asked for another person's groups. A file with errors stops startup, naming the
 * line; nothing half-read is used.
 */
@ApplicationScoped
public class People {
    private static final Set<String> FIELDS = Set.of("id", "email", "groups", "slack", "teams");

    private final Map<String, Person> byEmail = new HashMap<>();
    private final Map<String, Person> bySlack = new HashMap<>();
    private final Map<String, Person> byTeams = new HashMap<>();

    People(PeopleConfig config) {
        config.file().ifPresent(this::read);
    }

    /** People read from {@code file}; for tests and the CLI. */
    public static People of(Path file) {
        People people = new People(Optional::empty);
        people.read(file);
        return people;
    }

    /** The person whose email is {@code email} (case-insensitive); the caller must know it is verified. */
    public Optional<Person> byVerifiedEmail(String email) {
        return email == null ? Optional.empty() : Optional.ofNullable(byEmail.get(email.toLowerCase(Locale.ROOT)));
    }

    public Optional<Person> bySlackUser(String slackUserId) {
        return Optional.ofNullable(slackUserId == null ? null : bySlack.get(slackUserId));
    }

    public Optional<Person> byTeamsObjectId(String aadObjectId) {
        return Optional.ofNullable(aadObjectId == null ? null : byTeams.get(aadObjectId.toLowerCase(Locale.ROOT)));
    }

    private void read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new YamlException(file.toString(), 0, "countersign.people.file", "the people file does not exist");
        }
        YamlNode root = YamlDocument.read(file, file.toString());
        List<YamlNode> entries = root.mapping(Set.of("people")).require("people").sequence();
        Map<String, YamlNode> ids = new HashMap<>();
        for (YamlNode entry : entries) {
            YamlNode.Mapping m = entry.mapping(FIELDS);
            String id = checked(m.require("id"), RequestRules.id(m.requireString("id")));
            if (ids.putIfAbsent(id, entry) != null) {
                throw entry.error("person " + id + " is listed twice (first at line " + ids.get(id).line() + ")");
            }
            String email = m.string("email").map(e -> e.toLowerCase(Locale.ROOT)).orElse(null);
            if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) {
                throw m.require("email").error("not an email address: " + email);
            }
            List<String> groups = m.get("groups").map(YamlNode::stringList).orElse(List.of());
            for (String group : groups) {
                String problem = RequestRules.id(group);
                if (problem != null) {
                    throw m.require("groups").error("group " + group + ": " + problem);
                }
            }
            Person person = new Person(id, email, groups, m.string("slack").orElse(null),
                    m.string("teams").map(t -> t.toLowerCase(Locale.ROOT)).orElse(null));
            unique(byEmail, email, person, m, "email");
            unique(bySlack, person.slack(), person, m, "slack");
            unique(byTeams, person.teams(), person, m, "teams");
        }
    }

    private static String checked(YamlNode node, String problem) {
        if (problem != null) {
            throw node.error(problem);
        }
        return node.string();
    }

    private static void unique(Map<String, Person> index, String key, Person person, YamlNode.Mapping m, String field) {
        if (key != null && index.putIfAbsent(key, person) != null) {
            throw m.require(field).error(field + " " + key + " belongs to " + index.get(key).id() + " already");
        }
    }
}
