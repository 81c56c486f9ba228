package io.countersign.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.HttpMethod;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.countersign.decision.TestRequests;
import io.countersign.http.Problem;
import io.countersign.identity.Role;
import io.countersign.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

/**
 * Every endpoint the service serves, asked by every kind of caller, answers as one table says. The table is
 * checked against what is really served (JAX-RS resources found by reflection over the application's
 * classes, the routes under {@code /q/}, the static files) and against the OpenAPI document, so an
 * endpoint added without a row fails the build, and so does a row for an endpoint that is gone.
 */
@QuarkusTest
class AuthorizationMatrixTest {
    private static final String GET = "GET";
    private static final String POST = "POST";

    /** The callers, one column of the table each, in this order. */
    enum Who {
        /** No token at all. */
        NONE,
        /** The agent that asked for the decision the row's {@code {id}} names. */
        REQUESTER,
        /** Another agent. */
        AGENT,
        /** A human with no groups. */
        HUMAN,
        /** A human with the approver role in group {@code sre}; the request needs {@code data-governance}. */
        OTHER_APPROVER,
        /** A human with the approver role in group {@code data-governance}. */
        APPROVER,
        AUDITOR,
        POLICY_ADMIN,
        SIEM;

        /** The bearer token this caller sends, or null. */
        String token(Fixture data) {
            return switch (this) {
                case NONE -> null;
                case REQUESTER -> TestTokens.agent(data.requester());
                case AGENT -> TestTokens.agent("matrix-agent");
                case HUMAN -> TestTokens.token("matrix-human@example.com", "human");
                case OTHER_APPROVER -> TestTokens.token("matrix-sre@example.com", "human", "approver", "sre");
                case APPROVER -> TestTokens.token("matrix-dg@example.com", "human", "approver", "data-governance");
                case AUDITOR -> TestTokens.auditor();
                case POLICY_ADMIN -> TestTokens.policyAdmin();
                case SIEM -> TestTokens.token("matrix-siem", "agent", "siem");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A request body: its content type and text. */
    record Body(String contentType, String text) {
        static final Body NONE = new Body(null, null);
        static final Body EXPORT = new Body("application/json", TestRequests.EXPORT);
        static final Body VOTE = new Body("application/json", "{\"comment\": \"checked by the authorization matrix\"}");
        static final Body JSON = new Body("application/json", "{}");
        static final Body FORM = new Body("application/x-www-form-urlencoded", "comment=checked+by+the+matrix");
    }

    /**
     * One cell: the status, then what else the answer must show. For 401, 403 and 404 that is the problem's
     * {@code code} (by default {@code unauthorized}, {@code forbidden}, {@code not_found}), or {@code page}
     * for an HTML page; for a redirect, the {@code Location} path.
     */
    record Expect(int status, String detail) {
        static Expect parse(String cell) {
            String[] words = cell.strip().split(" ");
            int status = Integer.parseInt(words[0]);
            String detail = words.length > 1 ? words[1] : switch (status) {
                case 401 -> "unauthorized";
                case 403 -> "forbidden";
                case 404 -> "not_found";
                default -> null;
            };
            return new Expect(status, detail);
        }

        boolean success() {
            return status / 100 == 2;
        }

        void check(Response answer, String what) {
            assertEquals(status, answer.statusCode(), what + ": " + answer.asString());
            if (detail == null) {
                return;
            }
            if (detail.equals("page")) {
                assertTrue(answer.contentType().startsWith("text/html"), what + ": " + answer.contentType());
            } else if (detail.startsWith("/")) {
                assertEquals(detail, java.net.URI.create(answer.header("Location")).getPath(), what);
            } else {
                assertTrue(answer.contentType().startsWith(Problem.MEDIA_TYPE), what + ": " + answer.contentType());
                assertEquals(detail, answer.jsonPath().getString("code"), what + ": " + answer.asString());
            }
        }
    }

    /** One endpoint: method, path (a JAX-RS template, with a query where it needs one), body, the cell of each caller. */
    record Row(String method, String path, Body body, List<Expect> cells, String note) {
        String endpoint() {
            int query = path.indexOf('?');
            return method + " " + (query < 0 ? path : path.substring(0, query));
        }

        Expect expect(Who who) {
            return cells.get(who.ordinal());
        }

        /** How a failure names the case: the row, the caller, and the row's note. */
        String caseName(Who who) {
            return this + " as " + who + (note == null ? "" : " (" + note + ")");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /**
     * A pending approval for the row's {@code {id}}: a confidential production export asked for by a fresh
     * agent, which needs one vote from {@code data-governance}. In {@code /v1/decisions/{id}} the id is the
     * decision's, elsewhere the approval's.
     */
    record Fixture(String requester, String decisionId, String approvalId) {
        static Fixture none() {
            return new Fixture("matrix-requester", null, null);
        }

        static Fixture open() {
            String requester = "matrix-requester-" + UUID.randomUUID();
            Response decision = given().auth().oauth2(TestTokens.agent(requester)).contentType("application/json")
                    .body(TestRequests.EXPORT).post("/v1/decisions");
            assertEquals(200, decision.statusCode(), decision.asString());
            assertEquals(List.of("data-governance"), decision.jsonPath().getList("approval.approverGroups"));
            return new Fixture(requester, decision.jsonPath().getString("decisionId"), decision.jsonPath().getString("approval.id"));
        }

        String resolve(String path) {
            return !path.contains("{id}") ? path : path.replace("{id}", path.startsWith("/v1/decisions/") ? decisionId : approvalId);
        }
    }

    private static final String EVERYONE_BUT_NONE = "401 | 200 | 200 | 200 | 200 | 200 | 200 | 200 | 200";
    private static final String AUDITOR_ONLY = "401 | 403 | 403 | 403 | 403 | 403 | 200 | 403 | 403";
    private static final String SIGN_IN = "303 /inbox/sign-in";
    private static final String INBOX = "a signed-in person (session cookie, CSRF token); bearer tokens never sign in: InboxTest";

    /**
     * The table. Columns: none | requester | agent | human | other-approver | approver | auditor | policy-admin | siem.
     * Everything under /q/ and the static files are served to anyone, token or not (unauthenticated today).
     */
    static final List<Row> TABLE = List.of(
            row(POST, "/v1/decisions", Body.EXPORT,                 "401 | 200 | 200 | 403 | 403 | 403 | 403 | 403 | 403"),
            row(GET, "/v1/decisions/{id}", Body.NONE,               "401 | 200 | 404 | 404 | 404 | 404 | 200 | 404 | 404"),
            row(GET, "/v1/approvals", Body.NONE,                    EVERYONE_BUT_NONE, "each caller sees the requests it may decide"),
            row(GET, "/v1/approvals/{id}", Body.NONE,               "401 | 200 | 404 | 404 | 404 | 200 | 200 | 404 | 404"),
            row(POST, "/v1/approvals/{id}/approve", Body.VOTE,      "401 | 403 self_approval | 403 | 403 | 403 | 200 | 403 | 403 | 403"),
            row(POST, "/v1/approvals/{id}/deny", Body.VOTE,         "401 | 403 self_approval | 403 | 403 | 403 | 200 | 403 | 403 | 403"),
            row(POST, "/v1/approvals/{id}/cancel", Body.NONE,       "401 | 200 | 403 | 403 | 403 | 403 | 403 | 403 | 403"),
            row(GET, "/v1/policies", Body.NONE,                     EVERYONE_BUT_NONE),
            row(POST, "/v1/policies/reload", Body.NONE,             "401 | 403 | 403 | 403 | 403 | 403 | 403 | 200 | 403"),
            row(GET, "/v1/log", Body.NONE,                          AUDITOR_ONLY),
            row(GET, "/v1/log/verify", Body.NONE,                   AUDITOR_ONLY),
            row(GET, "/v1/log/checkpoints", Body.NONE,              AUDITOR_ONLY),
            row(POST, "/v1/log/checkpoints", Body.NONE,             AUDITOR_ONLY),
            row(GET, "/v1/log/events", Body.NONE,                   "401 | 403 | 403 | 403 | 403 | 403 | 200 | 403 | 200"),
            row(GET, "/v1/evidence?from=2000-01-01&to=2000-01-02&framework=SOC2", Body.NONE, AUDITOR_ONLY),
            row(GET, "/v1/whoami", Body.NONE,                       EVERYONE_BUT_NONE),
            row(GET, "/inbox", Body.NONE,                           every(SIGN_IN), INBOX),
            row(GET, "/inbox/history", Body.NONE,                   every(SIGN_IN), INBOX),
            row(GET, "/inbox/approvals/{id}", Body.NONE,            every(SIGN_IN), INBOX),
            row(POST, "/inbox/approvals/{id}/approve", Body.FORM,   every(SIGN_IN), INBOX),
            row(POST, "/inbox/approvals/{id}/deny", Body.FORM,      every(SIGN_IN), INBOX),
            row(POST, "/inbox/sign-out", Body.FORM,                 every(SIGN_IN), INBOX),
            row(GET, "/inbox/sign-in", Body.NONE,                   every("401 page"), "the page asks for a link: InboxTest"),
            row(POST, "/inbox/sign-in", Body.FORM,                  every("403 page"), "needs the form's cookie and a one-time link: InboxTest"),
            row(GET, "/inbox/inbox.css", Body.NONE,                 every("200"), "a static file"),
            row(POST, "/v1/integrations/slack/interactions", Body.FORM, every("404"),
                    "Slack's request signature, not a bearer token; off unless configured: SlackChannelTest"),
            row(POST, "/v1/integrations/teams/messages", Body.JSON, every("404"),
                    "a Bot Framework token, not a Countersign one; off unless configured: TeamsTest"),
            row(GET, "/q/health", Body.NONE,                        every("200")),
            row(GET, "/q/health/live", Body.NONE,                   every("200")),
            row(GET, "/q/health/ready", Body.NONE,                  every("200")),
            row(GET, "/q/health/started", Body.NONE,                every("200")),
            row(GET, "/q/health/group", Body.NONE,                  every("200")),
            row(GET, "/q/health/well", Body.NONE,                   every("200")),
            row(GET, "/q/health-ui", Body.NONE,                     every("302 /q/health-ui/")),
            row(GET, "/q/metrics", Body.NONE,                       every("200")),
            row(GET, "/q/openapi", Body.NONE,                       every("200")),
            row(GET, "/q/openapi.json", Body.NONE,                  every("200")),
            row(GET, "/q/openapi.yaml", Body.NONE,                  every("200")),
            row(GET, "/q/openapi.yml", Body.NONE,                   every("200")),
            row(GET, "/q/swagger-ui", Body.NONE,                    every("302 /q/swagger-ui/")));

    static Row row(String method, String path, Body body, String cells) {
        return row(method, path, body, cells, null);
    }

    static Row row(String method, String path, Body body, String cells, String note) {
        List<Expect> parsed = Arrays.stream(cells.split("\\|")).map(Expect::parse).toList();
        assertEquals(Who.values().length, parsed.size(), method + " " + path + ": one cell per caller");
        return new Row(method, path, body, parsed, note);
    }

    static String every(String cell) {
        return String.join(" | ", Collections.nCopies(Who.values().length, cell));
    }

    static Stream<Arguments> cases() {
        return TABLE.stream().flatMap(row -> Arrays.stream(Who.values()).map(who -> Arguments.of(row, who)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("cases")
    void answersAsTheTableSays(Row row, Who who) {
        Fixture data = row.path().contains("{id}") ? Fixture.open() : Fixture.none();
        RequestSpecification request = given().redirects().follow(false);
        String token = who.token(data);
        if (token != null) {
            request.auth().oauth2(token);
        }
        if (row.body().text() != null) {
            request.contentType(row.body().contentType()).body(row.body().text());
        }
        Response answer = request.request(row.method(), data.resolve(row.path()));
        Expect want = row.expect(who);
        want.check(answer, row.caseName(who));
        if (data.approvalId() != null && !want.success()) {
            // A refused request changes nothing: the approval is still pending, with no vote.
            Response after = given().auth().oauth2(TestTokens.auditor()).get("/v1/approvals/" + data.approvalId());
            assertEquals("PENDING", after.jsonPath().getString("status"), row.caseName(who));
            assertEquals(List.of(), after.jsonPath().getList("votes"), row.caseName(who));
        }
    }

    @Inject
    ServedRoutes routes;

    @Test
    void everyServedEndpointHasARowAndEveryRowIsServed() throws IOException {
        Set<String> served = new TreeSet<>();
        served.addAll(jaxRsEndpoints());
        served.addAll(routes.endpoints());
        served.addAll(staticFiles());
        Set<String> rows = new TreeSet<>();
        for (Row row : TABLE) {
            assertTrue(rows.add(row.endpoint()), "two rows for " + row.endpoint());
        }
        Set<String> missing = new TreeSet<>(served);
        missing.removeAll(rows);
        Set<String> gone = new TreeSet<>(rows);
        gone.removeAll(served);
        assertAll(() -> assertEquals(Set.of(), missing, "served, but without a row in the table"),
                () -> assertEquals(Set.of(), gone, "rows for endpoints that are not served"));
    }

    @Test
    void theOpenApiDocumentNamesNoEndpointWithoutARow() {
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().jsonPath().getMap("paths");
        Set<String> rows = new HashSet<>(TABLE.stream().map(Row::endpoint).toList());
        List<String> missing = new ArrayList<>();
        paths.forEach((path, operations) -> operations.keySet().stream()
                .map(method -> method.toUpperCase(Locale.ROOT) + " " + path)
                .filter(endpoint -> !rows.contains(endpoint))
                .forEach(missing::add));
        assertTrue(paths.size() > 10, "the document lists the API: " + paths.keySet());
        assertEquals(List.of(), missing);
    }

    @Test
    void everyRoleIsHeldByAColumn() {
        Set<String> held = new TreeSet<>();
        for (Who who : Who.values()) {
            String token = who.token(Fixture.none());
            if (token != null) {
                held.addAll(given().auth().oauth2(token).get("/v1/whoami").then().statusCode(200).extract()
                        .jsonPath().getList("roles", String.class));
            }
        }
        assertEquals(new TreeSet<>(Arrays.stream(Role.values()).map(Role::id).toList()), held);
    }

    /** {@code METHOD /path} of every resource method of the application's JAX-RS classes. */
    static Set<String> jaxRsEndpoints() throws IOException {
        Path classes = Path.of("target/classes");
        Set<String> endpoints = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes.resolve("io/countersign"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = load(name);
                jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
                if (root == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                    List<String> verbs = Arrays.stream(method.getAnnotations()).map(Annotation::annotationType)
                            .map(a -> a.getAnnotation(HttpMethod.class)).filter(java.util.Objects::nonNull)
                            .map(HttpMethod::value).toList();
                    assertTrue(!verbs.isEmpty() || sub == null,
                            name + "." + method.getName() + " is a sub-resource locator, which this enumeration does not follow");
                    for (String verb : verbs) {
                        endpoints.add(verb + " " + join(root.value(), sub == null ? "" : sub.value()));
                    }
                }
            }
        }
        assertTrue(endpoints.contains("POST /v1/decisions"), "found the resources: " + endpoints);
        return endpoints;
    }

    /** {@code GET /path} of every file served from {@code META-INF/resources}. */
    static Set<String> staticFiles() throws IOException {
        Path root = Path.of("target/classes/META-INF/resources");
        Set<String> files = new TreeSet<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> all = Files.walk(root)) {
                all.filter(Files::isRegularFile).forEach(f -> files.add("GET /" + root.relativize(f).toString().replace('\\', '/')));
            }
        }
        return files;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Joins path pieces, with one slash between them, no slash at the end, and no regular expressions in templates. */
    static String join(String... pieces) {
        String path = ("/" + String.join("/", pieces)).replaceAll("/+", "/").replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /**
     * The routes the HTTP layer serves itself, beside JAX-RS: each route with a path, and each route of a
     * mounted sub-router ({@code /q/}). A route for any method is listed as {@code GET}. Routes without a
     * path (filters, the body limit) and {@code /} (where JAX-RS is mounted) serve no endpoint of their own.
     */
    @Singleton
    static class ServedRoutes {
        private Router router;

        void record(@Observes Router router) {
            this.router = router;
        }

        Set<String> endpoints() {
            Set<String> endpoints = new TreeSet<>();
            for (Route route : router.getRoutes()) {
                if (route.getSubRouter() != null) {
                    route.getSubRouter().getRoutes().stream().filter(sub -> sub.getPath() != null)
                            .forEach(sub -> add(endpoints, sub, join(route.getPath(), sub.getPath())));
                } else if (route.getPath() != null && !route.getPath().equals("/")) {
                    add(endpoints, route, join(route.getPath()));
                }
            }
            return endpoints;
        }

        private static void add(Set<String> endpoints, Route route, String path) {
            if (route.methods() == null || route.methods().isEmpty()) {
                endpoints.add(GET + " " + path);
            } else {
                route.methods().stream().map(Object::toString).filter(m -> !m.equals("HEAD") && !m.equals("OPTIONS"))
                        .forEach(m -> endpoints.add(m + " " + path));
            }
        }
    }
}
