package io.countersign.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;

import org.jboss.logmanager.LogContext;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./countersign}: the command line of security teams and auditors. Exit codes: 0 success, 1 a
 * failing test, 2 usage or input errors (a rule, suite or file that does not load).
 */
@Command(name = "countersign", mixinStandardHelpOptions = true, versionProvider = CountersignCli.Version.class,
        description = "Policy-as-code gate for privileged actions taken by AI agents and pipelines.",
        subcommands = { TestCommand.class, EvalCommand.class, CheckCommand.class, TokenCommand.class,
                SignInLinkCommand.class, VerifyBundleCommand.class },
        footer = { "", "./countersign serve (or no command at all) starts the service; see README.md." })
public final class CountersignCli implements Runnable {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INPUT_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the CLI with the given streams and returns its exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        quietLibraryLogging();
        CommandLine cli = new CommandLine(new CountersignCli());
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExitCodeExceptionMapper(e -> INPUT_ERROR);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("countersign: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("COUNTERSIGN_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return INPUT_ERROR;
        });
        return cli.execute(args);
    }

    /**
     * Outside Quarkus nothing configures JBoss LogManager, the logging backend the jar ships, and it then
     * reports every level as enabled: Drools formats a trace message at each network step, which makes
     * evaluation about eight times slower. Warnings and errors still show.
     */
    public static void quietLibraryLogging() {
        LogContext.getSystemLogContext().getLogger("").setLevel(Level.WARNING);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = CountersignCli.class.getPackage().getImplementationVersion();
            return new String[] { "countersign " + (version == null ? "(development build)" : version) };
        }
    }
}
