package io.countersign.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.countersign.cli.CountersignCli;
import io.countersign.policy.Decision;
import io.countersign.policy.Policy;
import io.countersign.policy.PolicyLoader;
import io.countersign.policy.api.Request;
import io.countersign.policy.testing.PolicyCase;
import io.countersign.policy.testing.PolicySuiteReader;

/** In-process decisions per second, one thread. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = { "-Xms1g", "-Xmx1g" })
@Threads(1)
public class PolicyEngineBenchmark {

    /** A loaded policy and the requests it is fed, in turn. */
    abstract static class Workload {
        Policy policy;
        Request[] requests;
        private int next;

        Decision evaluateNext() {
            Request request = requests[next];
            next = (next + 1) % requests.length;
            return policy.evaluate(request);
        }
    }

    /** The shipped rule pack, fed every input of the shipped policy tests in turn. */
    @State(Scope.Thread)
    public static class Shipped extends Workload {
        @Param({ "." })
        public String root;

        @Setup(Level.Trial)
        public void load() throws Exception {
            CountersignCli.quietLibraryLogging();
            Path base = Path.of(root);
            policy = PolicyLoader.forRulesDir(base.resolve("rules")).load();
            List<Request> inputs = new ArrayList<>();
            for (Path file : PolicySuiteReader.discover(List.of(base.resolve("policy-tests")))) {
                for (PolicyCase c : PolicySuiteReader.read(file, file.toString())) {
                    inputs.add(c.input());
                }
            }
            requests = inputs.toArray(Request[]::new);
        }
    }

    /** The Cedar peer's rule set with N approval rules, its request mix, checked against its oracle. */
    @State(Scope.Thread)
    public static class Generated extends Workload {
        @Param({ "10", "100", "1000" })
        public int rules;

        @Setup(Level.Trial)
        public void load() throws Exception {
            CountersignCli.quietLibraryLogging();
            Path dir = Files.createTempDirectory("countersign-bench");
            policy = PolicyLoader.forRulesDir(CedarShapedPolicy.write(dir, rules)).load();
            List<CedarShapedPolicy.Case> cases = CedarShapedPolicy.requests(rules, 4096);
            for (CedarShapedPolicy.Case c : cases) {
                Decision got = policy.evaluate(c.request());
                if (got.outcome() != c.expected()) {
                    throw new IllegalStateException(c.request() + ": want " + c.expected() + ", got " + got.outcome()
                            + " " + got.reasons());
                }
            }
            requests = cases.stream().map(CedarShapedPolicy.Case::request).toArray(Request[]::new);
        }
    }

    @Benchmark
    public Decision shippedPack(Shipped state) {
        return state.evaluateNext();
    }

    @Benchmark
    public Decision cedarShapedRules(Generated state) {
        return state.evaluateNext();
    }
}
