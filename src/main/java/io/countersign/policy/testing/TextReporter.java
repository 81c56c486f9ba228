package io.countersign.policy.testing;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import io.countersign.policy.Reason;

/** Reports a run in the voice of {@code opa test}: failures always, passes with verbose, a closing count line. */
public final class TextReporter {
    private static final String RULE = "-".repeat(80);

    private TextReporter() {
    }

    public static void write(TestReport report, boolean verbose, PrintWriter out) {
        for (CaseResult result : report.results()) {
            if (verbose || !result.passed()) {
                out.println(location(result) + ": " + result.testCase().note() + ": "
                        + (result.passed() ? "PASS" : "FAIL") + " (" + millis(result.nanos()) + ")");
            }
        }
        List<CaseResult> failures = report.results().stream().filter(r -> !r.passed()).toList();
        if (!failures.isEmpty()) {
            out.println();
            out.println(RULE);
            out.println("FAILURES");
            out.println(RULE);
            for (CaseResult failure : failures) {
                out.println(location(failure) + ": " + failure.testCase().note());
                out.println();
                for (String mismatch : failure.mismatches()) {
                    out.println("  " + mismatch);
                }
                out.println("  rules that fired:");
                if (failure.got().matched().isEmpty()) {
                    out.println("    none; the policy default decided: " + failure.got().reasons().get(0).message());
                }
                for (Reason reason : failure.got().matched()) {
                    out.println("    " + PolicyTestRunner.describe(reason));
                }
                out.println();
            }
            out.println(RULE);
        }
        if (report.unfiredRules().isEmpty()) {
            out.println("coverage: every rule (" + report.ruleCount() + ") fired in at least one case");
        } else {
            out.println("coverage: " + report.unfiredRules().size() + " of " + report.ruleCount()
                    + " rules fired in no case: " + String.join(", ", report.unfiredRules()));
        }
        out.println(report.passed() + " passed, " + report.failed() + " failed");
    }

    private static String location(CaseResult result) {
        return result.testCase().file() + ":" + result.testCase().line();
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1fms", nanos / 1_000_000.0);
    }
}
