package io.countersign.people;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.countersign.yaml.YamlException;

class PeopleTest {
    @TempDir
    Path dir;

    @Test
    void findsPeopleByVerifiedEmailSlackUserAndEntraObjectId() {
        People people = People.of(Path.of("src/test/resources/people.yaml"));
        Person sec2 = people.byVerifiedEmail("SEC-2@example.COM").orElseThrow();
        assertEquals("sec-2@example.com", sec2.id());
        assertEquals(List.of("security", "sre"), sec2.groups());
        assertTrue(sec2.caller().isHuman());
        assertTrue(sec2.caller().memberOf("sre"));
        assertEquals(sec2, people.bySlackUser("U0SEC2").orElseThrow());
        assertEquals(sec2, people.byTeamsObjectId("6F1C2A9E-0000-4000-8000-00000000A002").orElseThrow());
        assertFalse(people.byVerifiedEmail("nobody@example.com").isPresent());
        assertFalse(people.bySlackUser("u0sec2").isPresent(), "Slack user ids are matched exactly");
        assertFalse(people.byVerifiedEmail(null).isPresent());
    }

    @Test
    void errorsNameTheFileAndLine() throws IOException {
        YamlException twice = assertThrows(YamlException.class, () -> People.of(write("""
                people:
                  - id: a@example.com
                    email: a@example.com
                  - id: b@example.com
                    email: A@example.com
                """)));
        assertEquals(5, twice.line());
        assertTrue(twice.getMessage().contains("belongs to a@example.com"), twice.getMessage());

        YamlException unknown = assertThrows(YamlException.class, () -> People.of(write("""
                people:
                  - id: a@example.com
                    group: [security]
                """)));
        assertEquals(3, unknown.line());
        assertTrue(unknown.getMessage().contains("group"), unknown.getMessage());

        YamlException badEmail = assertThrows(YamlException.class, () -> People.of(write("""
                people:
                  - id: a@example.com
                    email: not-an-email
                """)));
        assertTrue(badEmail.getMessage().contains("not an email address"), badEmail.getMessage());

        assertThrows(YamlException.class, () -> People.of(dir.resolve("missing.yaml")));
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("people.yaml");
        Files.writeString(file, text);
        return file;
    }
}
