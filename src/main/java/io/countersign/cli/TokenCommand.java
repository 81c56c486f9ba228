package io.countersign.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.countersign.identity.LocalTokens;
import io.countersign.policy.DurationText;
import io.countersign.policy.RequestRules;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code countersign token}: mints a bearer token with the local key under the data directory, the one
 * the service verifies against when no identity provider is configured.
 */
@Command(name = "token", description = "Mint a bearer token with the local key (only when no identity provider is configured).")
final class TokenCommand implements Callable<Integer> {
    static final Duration MAX_TTL = Duration.ofDays(30);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--sub", required = true, paramLabel = "ID", description = "The caller's id.")
    String subject;

    @Option(names = "--type", required = true, paramLabel = "agent|human", description = "agent or human.")
    String type;

    @Option(names = "--groups", paramLabel = "a,b", defaultValue = "", description = "Comma-separated groups.")
    String groups;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h", description = "Lifetime, e.g. 15m, 1h, 7d (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory holding the key (default: $COUNTERSIGN_DATA_DIR or ./data).")
    Path dataDir;

    @Override
    public Integer call() {
        check(spec, "--sub", subject, RequestRules::id);
        check(spec, "--type", type, RequestRules::callerType);
        List<String> groupList = Arrays.stream(groups.split(",")).map(String::strip).filter(g -> !g.isEmpty()).toList();
        check(spec, "--groups", groupList, RequestRules::groups);
        Duration lifetime = lifetime(spec, ttl, MAX_TTL, "30d");
        Path dir = dataDir != null ? dataDir : Path.of(env("COUNTERSIGN_DATA_DIR", "./data"));
        if (!Files.isDirectory(dir)) {
            spec.commandLine().getErr().println("countersign: note: creating " + dir + " and a new signing key;"
                    + " start the service with the same data directory");
        }
        LocalTokens tokens = new LocalTokens(LocalTokens.key(dir),
                env("COUNTERSIGN_IDENTITY_LOCAL_ISSUER", "urn:countersign:local"),
                env("COUNTERSIGN_IDENTITY_LOCAL_AUDIENCE", "countersign"));
        spec.commandLine().getOut().println(tokens.mint(subject, type, groupList, lifetime));
        return CountersignCli.OK;
    }

    static <T> void check(CommandLine.Model.CommandSpec spec, String option, T value, Function<T, String> rule) {
        String problem = rule.apply(value);
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + problem);
        }
    }

    /** {@code --ttl} as a duration of more than 0 and at most {@code max} (written {@code maxText}). */
    static Duration lifetime(CommandLine.Model.CommandSpec spec, String ttl, Duration max, String maxText) {
        Duration lifetime;
        try {
            lifetime = DurationText.parse(ttl);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl: " + e.getMessage());
        }
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(max) > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl: must be more than 0 and at most " + maxText);
        }
        return lifetime;
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
