package io.countersign.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import io.countersign.identity.LocalTokens;
import io.countersign.inbox.SignInLinks;
import io.countersign.policy.api.Caller;
import io.countersign.policy.DurationText;
import io.countersign.policy.RequestRules;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code countersign sign-in-link}: a one-time link to the web inbox, signed with the local key under the
 * data directory, for a person (caller type human). Its audience is the inbox's, not the API's: it is not
 * an API token, and an API token does not sign in. Only on the embedded default (no identity provider).
 */
@Command(name = "sign-in-link", description = "Print a one-time web inbox sign-in link for a person (local key; no identity provider).")
final class SignInLinkCommand implements Callable<Integer> {
    static final Duration MAX_TTL = Duration.ofMinutes(15);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--sub", required = true, paramLabel = "ID", description = "The person's id (the subject their votes are recorded under).")
    String subject;

    @Option(names = "--groups", paramLabel = "a,b", defaultValue = "", description = "Comma-separated groups the person decides for.")
    String groups;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "10m", description = "How long the link can be used, at most 15m (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--url", paramLabel = "URL", description = "Where people reach the service (default: $COUNTERSIGN_APPROVAL_PUBLIC_URL or http://localhost:8080).")
    String url;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory holding the key (default: $COUNTERSIGN_DATA_DIR or ./data).")
    Path dataDir;

    @Override
    public Integer call() {
        TokenCommand.check(spec, "--sub", subject, RequestRules::id);
        List<String> groupList = Arrays.stream(groups.split(",")).map(String::strip).filter(g -> !g.isEmpty()).toList();
        TokenCommand.check(spec, "--groups", groupList, RequestRules::groups);
        Duration lifetime = TokenCommand.lifetime(spec, ttl, MAX_TTL, "15m");
        String base = url != null ? url : TokenCommand.env("COUNTERSIGN_APPROVAL_PUBLIC_URL", "http://localhost:8080");
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url: must start with http:// or https://");
        }
        Path dir = dataDir != null ? dataDir : Path.of(TokenCommand.env("COUNTERSIGN_DATA_DIR", "./data"));
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--data-dir: " + dir
                    + " does not exist; start the service first (./countersign), or name its data directory");
        }
        LocalTokens tokens = new LocalTokens(LocalTokens.key(dir),
                TokenCommand.env("COUNTERSIGN_IDENTITY_LOCAL_ISSUER", "urn:countersign:local"),
                TokenCommand.env("COUNTERSIGN_INBOX_SIGN_IN_AUDIENCE", SignInLinks.DEFAULT_AUDIENCE));
        String token = tokens.mint(subject, Caller.HUMAN, groupList, lifetime);
        spec.commandLine().getOut().println(base.replaceFirst("/+$", "") + "/inbox/sign-in?token=" + token);
        return CountersignCli.OK;
    }
}
