package io.countersign.inbox;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;

import io.countersign.cli.CountersignCli;
import io.countersign.identity.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The web inbox in a real browser: Playwright driving Debian's Chromium headless (no browser download).
 * Signs in with a link from {@code ./countersign sign-in-link}, opens a request, is refused a deny without
 * a comment, approves, and sees the request leave the inbox for the history. Run with
 * {@code ./mvnw verify -Pbrowser}; fails (never skips) when Chromium is missing.
 */
@QuarkusTest
class InboxBrowserIT {
    static final Path CHROMIUM = Path.of(System.getProperty("countersign.it.chromium", "/usr/bin/chromium"));
    static final Path SCREENSHOT = Path.of("target/screenshots/inbox-detail.png");

    private static Playwright playwright;
    private static Browser browser;

    @TestHTTPResource("/")
    URL service;

    @BeforeAll
    static void launch() {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: the browser suite needs Debian's Chromium"
                + " (apt-get install -y chromium)");
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync")));
    }

    @AfterAll
    static void close() {
        if (playwright != null) {
            playwright.close();
        }
    }

    @Test
    void signInOpenDenyRefusedApproveAndTheRequestLeaves() throws Exception {
        String id = InboxFixture.requestApproval("browser-bot-" + UUID.randomUUID(), "staging",
                "rotate the on-call admin <b>now</b>", "https://git.example/pr/7");
        Page page = browser.newContext().newPage();

        page.navigate(signInLink("sec-1@example.com", "security"));
        assertThat(page.locator("#sign-in")).hasText("Sign in as sec-1@example.com");
        page.locator("#sign-in").click();
        assertThat(page).hasURL(Pattern.compile(".*/inbox$"));
        assertThat(page.locator("header")).containsText("sec-1@example.com");

        page.locator("a[href='/inbox/approvals/" + id + "']").click();
        assertThat(page).hasURL(Pattern.compile(".*/inbox/approvals/" + id + "$"));
        assertThat(page.locator(".reason")).hasText("rotate the on-call admin <b>now</b>");
        assertThat(page.locator(".countdown")).containsText("left");
        assertThat(page.locator("a.artifact-link")).hasAttribute("href", "https://git.example/pr/7");
        Files.createDirectories(SCREENSHOT.getParent());
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOT).setFullPage(true));
        assertTrue(Files.size(SCREENSHOT) > 1000, "a screenshot of the detail page");

        // Deny without a comment: refused on the page, next to the field, and nothing is recorded.
        Response denied = page.waitForResponse(r -> r.url().endsWith("/deny"), () -> page.locator("#deny").click());
        assertEquals(400, denied.status());
        assertThat(page.locator("#deny-error")).containsText("comment");
        assertEquals("PENDING", InboxFixture.status(id));

        page.locator("#approve-comment").fill("checked SEC-42");
        page.locator("#approve").click();
        assertThat(page).hasURL(Pattern.compile(".*/inbox\\?voted=" + id + "$"));
        assertThat(page.locator(".notice")).containsText(id);
        assertThat(page.locator("table.requests a[href='/inbox/approvals/" + id + "']")).hasCount(0);
        assertEquals("APPROVED", InboxFixture.status(id));

        page.locator("nav a[href='/inbox/history']").click();
        assertThat(page.locator("table.requests tr", new Page.LocatorOptions().setHasText("APPROVED"))
                .filter(new com.microsoft.playwright.Locator.FilterOptions().setHas(page.locator("a[href='/inbox/approvals/" + id + "']"))))
                .hasCount(1);
    }

    /** The link exactly as {@code ./countersign sign-in-link} prints it for this service. */
    private String signInLink(String subject, String groups) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CountersignCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "sign-in-link", "--sub", subject, "--groups", groups, "--url", service.toString(),
                "--data-dir", TestTokens.DATA_DIR.toString());
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).strip();
    }
}
