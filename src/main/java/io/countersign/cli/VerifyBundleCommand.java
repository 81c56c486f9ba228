package io.countersign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.countersign.evidence.BundleVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify-bundle", mixinStandardHelpOptions = true,
        description = { "Check an evidence bundle offline: manifest signature, every file's hash, the chain of log.jsonl "
                + "against the checkpoints, a gap-free population, and the CSV files against log.jsonl.",
                "Exit 0 valid, 1 invalid (the first problem is named), 2 unreadable input." })
final class VerifyBundleCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "the bundle (.zip) from GET /v1/evidence")
    Path bundle;

    @Option(names = "--public-key", paramLabel = "KEY",
            description = "the log's Ed25519 public key (base64 or PEM, or a file holding it), from GET /v1/log/checkpoints; "
                    + "without it the key inside the bundle is used, which proves integrity but not origin")
    String publicKey;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        BundleVerifier.Outcome outcome = BundleVerifier.verify(bundle, publicKey);
        PrintWriter out = spec.commandLine().getOut();
        outcome.report().forEach(line -> out.println("  " + line));
        if (outcome.exitCode() == BundleVerifier.VALID) {
            out.println("valid: " + bundle);
        } else {
            spec.commandLine().getErr().println((outcome.exitCode() == BundleVerifier.INVALID ? "INVALID: " : "unreadable: ")
                    + outcome.problem());
        }
        return outcome.exitCode();
    }
}
