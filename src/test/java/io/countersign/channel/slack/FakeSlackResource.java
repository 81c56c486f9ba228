package io.countersign.channel.slack;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a {@link FakeSlack}, points the service at it with Slack enabled, and hands it to the test. */
public class FakeSlackResource implements QuarkusTestResourceLifecycleManager {
    private FakeSlack slack;

    @Override
    public Map<String, String> start() {
        slack = new FakeSlack();
        slack.start();
        return Map.of(
                "countersign.slack.enabled", "true",
                "countersign.slack.api-url", slack.apiUrl(),
                "countersign.slack.bot-token", FakeSlack.TOKEN,
                "countersign.slack.signing-secret", FakeSlack.SIGNING_SECRET,
                "countersign.slack.channels.security", "C0SECURITY",
                "countersign.slack.channels.sre", "C0SRE");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(slack, new TestInjector.MatchesType(FakeSlack.class));
    }

    @Override
    public void stop() {
        slack.stop();
    }
}
