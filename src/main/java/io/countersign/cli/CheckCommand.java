package io.countersign.cli;

import java.util.concurrent.Callable;

import io.countersign.policy.Policy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", mixinStandardHelpOptions = true, description = "Compile the rules and validate data and compliance mappings.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    PolicyOptions policy;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Policy loaded = policy.load(spec.commandLine().getErr());
        if (loaded == null) {
            return CountersignCli.INPUT_ERROR;
        }
        spec.commandLine().getOut().printf("ok: %d rules, %d data sets, %d controls in the catalogue%npolicy version %s%n",
                loaded.rules().size(), loaded.data().size(), loaded.catalogue().all().size(), loaded.version());
        return CountersignCli.OK;
    }
}
