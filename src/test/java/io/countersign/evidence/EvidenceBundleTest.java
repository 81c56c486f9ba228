package io.countersign.evidence;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.countersign.audit.CheckpointSigner;
import io.countersign.canonical.CanonicalJson;
import io.countersign.cli.CountersignCliTest;
import io.countersign.cli.CountersignCliTest.Run;
import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * Evidence bundles over HTTP with real tokens and decisions made here: who may download, bad input, the
 * files and what they say, OSCAL against NIST's schemas, an empty period, and verify-bundle on the bundle
 * as made and tampered with in each way the issue names.
 */
@QuarkusTest
class EvidenceBundleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIR = Path.of("target/test-data/evidence");
    private static Path bundle;
    private static String agentId;
    private static String approvalId;
    private static String usedDecisionId;

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType("application/json");
    }

    /** One bundle over decisions made for it: an allow, a deny, an approval by two people, then its use. */
    static synchronized Path bundle() throws IOException {
        if (bundle != null) {
            return bundle;
        }
        Instant from = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        agentId = "evidence-bot-" + UUID.randomUUID();
        String agent = TestTokens.agent(agentId);
        as(agent).body("""
                {"action": "aws.ec2.describe", "resource": {"type": "instance", "id": "=HYPERLINK(\\"http://x\\",\\"a,b\\")",
                 "environment": "production"}}""").post("/v1/decisions").then().statusCode(200).body("outcome", equalTo("ALLOW"));
        as(agent).body("""
                {"action": "aws.s3.export", "resource": {"type": "s3-bucket", "id": "customer-data", "environment": "production",
                 "classification": "confidential", "attributes": {"destination": "s3://elsewhere"}}}""")
                .post("/v1/decisions").then().statusCode(200).body("outcome", equalTo("DENY"));
        String grant = """
                {"action": "iam.role.assign",
                 "resource": {"type": "iam-role", "id": "admin-%s", "environment": "production",
                              "attributes": {"principal": "dana@example.com"}},
                 "onBehalfOf": "olivia@example.com", "context": {"reason": "on-call", "ticket": "SEC-7"}}"""
                .formatted(UUID.randomUUID());
        approvalId = as(agent).body(grant).post("/v1/decisions").then().statusCode(200)
                .body("outcome", equalTo("REQUIRE_APPROVAL")).extract().path("approval.id");
        as(TestTokens.token("sec-1@example.com", "human", "security")).body("{\"comment\": \"ticket checked\"}")
                .post("/v1/approvals/" + approvalId + "/approve").then().statusCode(200);
        as(TestTokens.token("sec-2@example.com", "human", "security")).body("{}")
                .post("/v1/approvals/" + approvalId + "/approve").then().statusCode(200).body("status", equalTo("APPROVED"));
        usedDecisionId = as(agent).body(grant.replaceFirst("\\{", "{\"approvalId\": \"" + approvalId + "\", "))
                .post("/v1/decisions").then().statusCode(200).body("outcome", equalTo("ALLOW")).extract().path("decisionId");
        as(TestTokens.auditor()).post("/v1/log/checkpoints").then().statusCode(200);
        Instant to = Instant.now().plusSeconds(1);

        byte[] zip = as(TestTokens.auditor()).queryParam("from", from.toString()).queryParam("to", to.toString())
                .queryParam("framework", "SOC2").get("/v1/evidence").then().statusCode(200)
                .contentType("application/zip").extract().asByteArray();
        Files.createDirectories(DIR);
        bundle = DIR.resolve("bundle.zip");
        Files.write(bundle, zip);
        return bundle;
    }

    static String publicKey() {
        return as(TestTokens.auditor()).get("/v1/log/checkpoints").then().statusCode(200).extract().path("publicKey");
    }

    @Test
    void onlyAuditorsDownload() {
        given().queryParam("from", "2026-01-01").queryParam("to", "2026-01-02").queryParam("framework", "SOC2")
                .get("/v1/evidence").then().statusCode(401);
        as(TestTokens.agent("evidence-agent")).queryParam("from", "2026-01-01").queryParam("to", "2026-01-02")
                .queryParam("framework", "SOC2").get("/v1/evidence").then().statusCode(403);
        as(TestTokens.token("sec-1@example.com", "human", "security")).queryParam("from", "2026-01-01")
                .queryParam("to", "2026-01-02").queryParam("framework", "SOC2").get("/v1/evidence").then().statusCode(403);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "from after to           | 2026-03-01           | 2026-02-01 | SOC2     |             | from",
            "from equal to           | 2026-03-01T00:00:00Z | 2026-03-01T00:00:00Z | SOC2 |     | to",
            "from not a date         | yesterday            | 2026-02-01 | SOC2     |             | from",
            "to missing              | 2026-01-01           |            | SOC2     |             | to",
            "unknown framework       | 2026-01-01           | 2026-02-01 | PCI      |             | framework",
            "framework missing       | 2026-01-01           | 2026-02-01 |          |             | framework",
            "unknown control         | 2026-01-01           | 2026-02-01 | SOC2     | CC99.9      | control",
            "control of another one  | 2026-01-01           | 2026-02-01 | SOC2     | FEDRAMP:AC-2 | control",
            "range over the maximum  | 2024-01-01           | 2026-01-02 | SOC2     |             | to" })
    void badInputNamesTheField(String note, String from, String to, String framework, String control, String field) {
        RequestSpecification request = as(TestTokens.auditor());
        if (from != null) {
            request.queryParam("from", from);
        }
        if (to != null) {
            request.queryParam("to", to);
        }
        if (framework != null) {
            request.queryParam("framework", framework);
        }
        if (control != null) {
            request.queryParam("control", control);
        }
        request.get("/v1/evidence").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo(field));
    }

    @Test
    void theBundleHoldsThePopulationAndItsReports() throws IOException {
        Path zip = bundle();
        Map<String, String> files = texts(zip);
        for (String name : List.of("manifest.json", "manifest.sig", "log.jsonl", "decisions.csv", "approvals.csv",
                "controls.csv", "chain/link.json", "chain/checkpoints.jsonl", "policies/versions.json",
                "assessment-results.json", "component-definition.json", "summary.html")) {
            assertTrue(files.containsKey(name), name + " is in the bundle");
        }
        JsonNode manifest = JSON.readTree(files.get("manifest.json"));
        assertFalse(manifest.path("empty").asBoolean());
        assertEquals("SOC2", manifest.path("query").path("framework").asText());
        long first = manifest.path("population").path("firstSequence").asLong();
        long last = manifest.path("population").path("lastSequence").asLong();
        assertEquals(last - first + 1, files.get("log.jsonl").lines().count());
        assertTrue(manifest.path("population").path("decisions").asLong() >= 4);

        String decisions = files.get("decisions.csv");
        // formula injection defused, RFC 4180 quoting: the cell starts with ' and its quotes are doubled
        assertTrue(decisions.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\","), decisions);
        String used = decisions.lines().filter(l -> l.contains(usedDecisionId)).findFirst().orElseThrow();
        assertTrue(used.contains(approvalId) && used.contains("sec-1@example.com;sec-2@example.com") && used.contains(",ALLOW,"), used);
        assertTrue(decisions.contains("\r\n"), "records end with CRLF");

        String row = files.get("approvals.csv").lines().filter(l -> l.startsWith(approvalId)).findFirst().orElseThrow();
        assertTrue(row.contains(",CONSUMED,"), row);
        assertTrue(row.contains("sec-1@example.com APPROVE at ") && row.contains("sec-2@example.com APPROVE at "), row);
        List<String> cells = List.of(row.split(",", -1));
        assertEquals("yes", cells.get(List.of(Population.APPROVAL_COLUMNS).indexOf("approvers_differ_from_requester")), row);
        assertEquals("yes", cells.get(List.of(Population.APPROVAL_COLUMNS).indexOf("approved_before_use")), row);
        assertEquals("", cells.get(List.of(Population.APPROVAL_COLUMNS).indexOf("note")), "opened in the period: " + row);
        assertFalse(cells.get(List.of(Population.APPROVAL_COLUMNS).indexOf("requested_at")).isEmpty(), row);
        assertTrue(row.contains(agentId) && row.contains("olivia@example.com"), row);

        String controls = files.get("controls.csv");
        assertTrue(controls.startsWith("control_id,title,baselines,rules,decisions,approval_requests\r\n"));
        assertTrue(controls.lines().anyMatch(l -> l.startsWith("SOC2:") && l.contains("iam.escalation.for-other")), controls);
        assertTrue(controls.lines().noneMatch(l -> l.startsWith("FEDRAMP:")), "only the chosen framework");

        JsonNode versions = JSON.readTree(files.get("policies/versions.json")).path("versions");
        String dir = versions.get(0).path("files").asText();
        JsonNode loads = versions.get(0).path("loads");
        assertTrue(loads.size() >= 1, "the log's loads of the version in force are listed: " + versions);
        for (JsonNode load : loads) {
            JsonNode body = JSON.readTree(load.path("body").asText());
            assertEquals("policy", body.path("kind").asText(), load.toString());
            assertEquals(load.path("sequence").asLong(), body.path("sequence").asLong(), load.toString());
        }
        assertTrue(files.keySet().stream().anyMatch(f -> f.startsWith(dir + "rules/") && f.endsWith(".drl")), dir);
        assertTrue(files.containsKey(dir + "compliance-mappings/rule-controls.yaml"));

        String html = files.get("summary.html");
        assertTrue(html.contains("<svg") && html.contains("Decisions by outcome") && html.contains("security"), "charts and groups");
        assertFalse(html.contains("<script") || html.contains("http://x\""), "no script, and text from the log is escaped");
        assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "nothing is fetched from the network");
    }

    @Test
    void theOscalDocumentsAreValidAgainstNistsSchemas() throws IOException {
        Map<String, String> files = texts(bundle());
        assertValid("oscal/oscal_assessment-results_schema-1.0.4.json", files.get("assessment-results.json"));
        assertValid("oscal/oscal_component_schema-1.0.4.json", files.get("component-definition.json"));
        JsonNode results = JSON.readTree(files.get("assessment-results.json")).path("assessment-results").path("results").get(0);
        assertTrue(results.path("findings").findValuesAsText("title").contains("No self-approval in the population"));
        assertTrue(results.path("findings").findValuesAsText("state").stream().allMatch("satisfied"::equals));
    }

    @Test
    void aMadeUpAssessmentIsRefusedByTheSchema() throws IOException {
        // the validator is not vacuous: a document missing its results and with a malformed uuid fails
        JsonSchema schema = schema("oscal/oscal_assessment-results_schema-1.0.4.json");
        Set<ValidationMessage> problems = schema.validate(JSON.readTree("""
                {"assessment-results": {"uuid": "not-a-uuid", "metadata": {"title": "x", "last-modified": "2026-01-01T00:00:00Z",
                 "version": "1", "oscal-version": "1.0.4"}, "import-ap": {"href": "#x"}}}"""));
        assertFalse(problems.isEmpty());
    }

    @Test
    void anEmptyPeriodGivesAValidBundleThatSaysSo() throws IOException {
        byte[] zip = as(TestTokens.auditor()).queryParam("from", "2001-01-01").queryParam("to", "2001-01-31")
                .queryParam("framework", "FEDRAMP").queryParam("control", "AC-6(9)").get("/v1/evidence").then()
                .statusCode(200).extract().asByteArray();
        Files.createDirectories(DIR);
        Path empty = DIR.resolve("empty.zip");
        Files.write(empty, zip);
        Map<String, String> files = texts(empty);
        JsonNode manifest = JSON.readTree(files.get("manifest.json"));
        assertTrue(manifest.path("empty").asBoolean());
        assertEquals(0, manifest.path("population").path("entries").asLong());
        assertEquals("", files.get("log.jsonl"));
        assertTrue(files.get("summary.html").contains("The period is empty"));
        assertEquals(2, files.get("controls.csv").lines().count(), "the header and the one control asked for");
        assertValid("oscal/oscal_assessment-results_schema-1.0.4.json", files.get("assessment-results.json"));
        Run run = CountersignCliTest.cli("verify-bundle", empty.toString(), "--public-key", publicKey());
        assertEquals(0, run.exit(), run.toString());
    }

    @Test
    void verifyBundleAcceptsTheBundleAsMade() throws IOException {
        Path zip = bundle();
        Run run = CountersignCliTest.cli("verify-bundle", zip.toString(), "--public-key", publicKey());
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("valid: ") && run.out().contains("gap-free"), run.out());

        Run included = CountersignCliTest.cli("verify-bundle", zip.toString());
        assertEquals(0, included.exit(), included.toString());
        assertTrue(included.out().contains("key INSIDE the bundle"), "says which key it used: " + included.out());
    }

    static Stream<Arguments> tamperings() {
        return Stream.of(
                Arguments.of("changed file", (Tamper) files -> files.put("summary.html",
                        (new String(files.get("summary.html"), StandardCharsets.UTF_8) + "<!-- -->").getBytes(StandardCharsets.UTF_8)),
                        false, "changed file: summary.html"),
                Arguments.of("removed file", (Tamper) files -> files.remove("controls.csv"), false, "missing file: controls.csv"),
                Arguments.of("extra file", (Tamper) files -> files.put("notes.txt", new byte[] { 1 }), false, "extra file: notes.txt"),
                Arguments.of("manifest changed, not re-signed", (Tamper) files -> files.put("manifest.json",
                        new String(files.get("manifest.json"), StandardCharsets.UTF_8).replace("\"SOC2\"", "\"ISO27001\"")
                                .getBytes(StandardCharsets.UTF_8)), false, "bad signature"),
                Arguments.of("re-signed by another key", (Tamper) files -> { }, true, "bad signature"),
                Arguments.of("changed entry, re-signed", (Tamper) files -> lines(files, "log.jsonl",
                        l -> {
                            int decision = l.indexOf(l.stream().filter(e -> e.contains("\"outcome\":\"")).findFirst().orElseThrow());
                            l.set(decision, l.get(decision).replace("\"outcome\":\"", "\"outcome\":\"X"));
                            return l;
                        }), true, "was changed"),
                Arguments.of("reordered entries, re-signed", (Tamper) files -> lines(files, "log.jsonl", l -> {
                    String second = l.get(1);
                    l.set(1, l.get(2));
                    l.set(2, second);
                    return l;
                }), true, "out of order"),
                Arguments.of("removed entry, re-signed", (Tamper) files -> lines(files, "log.jsonl", l -> {
                    l.remove(l.size() - 1);
                    return l;
                }), true, "entries were removed"),
                Arguments.of("removed decision row, re-signed", (Tamper) files -> lines(files, "decisions.csv", l -> {
                    l.remove(2);
                    return l;
                }), true, "decisions.csv line 3 does not agree with log.jsonl"),
                Arguments.of("removed approval row, re-signed", (Tamper) files -> lines(files, "approvals.csv", l -> {
                    l.removeIf(row -> row.startsWith(approvalId));
                    return l;
                }), true, "approvals.csv"),
                Arguments.of("policy file changed, re-signed", (Tamper) files -> {
                    String drl = files.keySet().stream().filter(f -> f.endsWith(".drl")).findFirst().orElseThrow();
                    files.put(drl, "package x;".getBytes(StandardCharsets.UTF_8));
                }, true, "policy files in"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperings")
    void verifyBundleNamesTheFirstProblem(String note, Tamper tamper, boolean resign, String problem) throws IOException {
        Path zip = bundle();
        Map<String, byte[]> files = read(zip);
        tamper.apply(files);
        if (resign) {
            resign(files);
        }
        Path tampered = DIR.resolve("tampered-" + note.replaceAll("\\W+", "-") + ".zip");
        write(tampered, files);
        // re-signed bundles carry the forger's key, so they pass when checked only against it; the log's key
        // is what the manifest checks against, except where the point is the deeper checks
        Run run = resign && !note.startsWith("re-signed") ? CountersignCliTest.cli("verify-bundle", tampered.toString())
                : CountersignCliTest.cli("verify-bundle", tampered.toString(), "--public-key", publicKey());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().contains(problem), "wanted " + problem + ", got " + run.err());
    }

    @Test
    void unreadableInputIsExitTwo() throws IOException {
        Files.createDirectories(DIR);
        Path notZip = DIR.resolve("not-a-zip.zip");
        Files.writeString(notZip, "hello");
        assertEquals(2, CountersignCliTest.cli("verify-bundle", notZip.toString()).exit());
        Map<String, byte[]> files = read(bundle());
        files.remove("manifest.json");
        Path noManifest = DIR.resolve("no-manifest.zip");
        write(noManifest, files);
        Run run = CountersignCliTest.cli("verify-bundle", noManifest.toString());
        assertEquals(2, run.exit(), run.toString());
        assertEquals(2, CountersignCliTest.cli("verify-bundle", DIR.resolve("absent.zip").toString()).exit());
    }

    @FunctionalInterface
    interface Tamper {
        void apply(Map<String, byte[]> files);
    }

    /** Edits a text file's records (CRLF for CSV, LF for JSON Lines) and keeps its line ends. */
    static void lines(Map<String, byte[]> files, String name, UnaryOperator<List<String>> edit) {
        String eol = name.endsWith(".csv") ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>(List.of(new String(files.get(name), StandardCharsets.UTF_8).split(eol)));
        files.put(name, (String.join(eol, edit.apply(lines)) + eol).getBytes(StandardCharsets.UTF_8));
    }

    /** What a forger would do: fix every hash in the manifest and sign it with a key of their own. */
    static void resign(Map<String, byte[]> files) {
        try {
            ObjectNode manifest = (ObjectNode) JSON.readTree(files.get("manifest.json"));
            String original = manifest.path("signingKey").asText();
            ArrayNode listed = manifest.putArray("files");
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                if (file.getKey().equals("manifest.json") || file.getKey().equals("manifest.sig")) {
                    continue;
                }
                ObjectNode f = listed.addObject();
                f.put("path", file.getKey());
                f.put("sha256", CanonicalJson.sha256(file.getValue()));
                f.put("size", file.getValue().length);
            }
            KeyPair forger = CheckpointSigner.generateKeyPair();
            manifest.put("signingKey", CheckpointSigner.encode(forger.getPublic()));
            manifest.putArray("trustedCheckpointKeys").add(original);
            byte[] bytes = CanonicalJson.bytes(JSON.convertValue(manifest, Map.class));
            files.put("manifest.json", bytes);
            files.put("manifest.sig", new CheckpointSigner(forger.getPrivate()).signMessage(bytes).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, byte[]> read(Path zip) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                try (InputStream in = z.getInputStream(e)) {
                    files.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return files;
    }

    static Map<String, String> texts(Path zip) throws IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        read(zip).forEach((k, v) -> texts.put(k, new String(v, StandardCharsets.UTF_8)));
        return texts;
    }

    static void write(Path zip, Map<String, byte[]> files) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                out.putNextEntry(new ZipEntry(file.getKey()));
                out.write(file.getValue());
                out.closeEntry();
            }
        }
    }

    static JsonSchema schema(String resource) throws IOException {
        try (InputStream in = EvidenceBundleTest.class.getClassLoader().getResourceAsStream(resource)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(JSON.readTree(in));
        }
    }

    static void assertValid(String schemaResource, String document) throws IOException {
        Set<ValidationMessage> problems = schema(schemaResource).validate(JSON.readTree(document));
        assertTrue(problems.isEmpty(), schemaResource + ": " + problems);
    }
}
