package io.countersign.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.countersign.policy.Decision;
import io.countersign.policy.Policy;
import io.countersign.policy.RequestYaml;
import io.countersign.policy.api.Request;
import io.countersign.yaml.YamlDocument;
import io.countersign.yaml.YamlException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Print the decision for one request (YAML or JSON: the request body plus caller).")
final class EvalCommand implements Callable<Integer> {
    @Mixin
    PolicyOptions policy;

    @Parameters(paramLabel = "FILE", description = "The request.")
    Path file;

    @Option(names = "--explain", description = "Also list every rule that matched and where it is written.")
    boolean explain;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        Request request;
        try {
            request = RequestYaml.read(YamlDocument.read(file, file.toString()));
        } catch (YamlException e) {
            err.println(e.located());
            return CountersignCli.INPUT_ERROR;
        }
        Policy loaded = policy.load(err);
        if (loaded == null) {
            return CountersignCli.INPUT_ERROR;
        }
        Decision decision = loaded.evaluate(request);
        spec.commandLine().getOut().println(Json.write(Json.decision(decision, loaded, explain)));
        return CountersignCli.OK;
    }
}
