package io.countersign.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.countersign.policy.Policy;
import io.countersign.policy.testing.PolicyCase;
import io.countersign.policy.testing.PolicySuiteReader;
import io.countersign.policy.testing.PolicyTestRunner;
import io.countersign.policy.testing.TestReport;
import io.countersign.policy.testing.TextReporter;
import io.countersign.yaml.YamlException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "test", mixinStandardHelpOptions = true, description = "Run policy test suites (exit 0 all pass, 1 any failure, 2 load error).")
final class TestCommand implements Callable<Integer> {
    @Mixin
    PolicyOptions policy;

    @Parameters(paramLabel = "PATH", description = "Suite files or directories (default: policy-tests).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--verbose", description = "Show passing cases too.")
    boolean verbose;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "pretty",
            description = "pretty or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (!format.equals("pretty") && !format.equals("json")) {
            err.println("--format: '" + format + "' is not a format (pretty or json)");
            return CountersignCli.INPUT_ERROR;
        }
        List<PolicyCase> cases = new ArrayList<>();
        List<YamlException> problems = new ArrayList<>();
        try {
            for (Path file : PolicySuiteReader.discover(paths.isEmpty() ? List.of(Path.of("policy-tests")) : paths)) {
                try {
                    cases.addAll(PolicySuiteReader.read(file, file.toString()));
                } catch (YamlException e) {
                    problems.add(e);
                }
            }
        } catch (YamlException e) {
            problems.add(e);
        }
        Policy loaded = policy.load(err);
        problems.forEach(p -> err.println(p.located()));
        if (loaded == null || !problems.isEmpty()) {
            return CountersignCli.INPUT_ERROR;
        }
        if (cases.isEmpty()) {
            err.println("no test cases found in " + (paths.isEmpty() ? "policy-tests" : paths));
            return CountersignCli.INPUT_ERROR;
        }
        TestReport report = PolicyTestRunner.run(loaded, cases);
        if (format.equals("json")) {
            out.println(Json.write(Json.report(report)));
        } else {
            TextReporter.write(report, verbose, out);
        }
        out.flush();
        return report.failed() == 0 ? CountersignCli.OK : CountersignCli.FAILED;
    }
}
