package io.countersign.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Runs a property: a check over many samples of a {@link Gen}, from a plain JUnit test. Try {@code n}
 * draws its sample from the {@code n}-th split of one seed, so a seed reproduces every sample of a run.
 * The seed is new on every run unless the system property {@code countersign.seed} names one; a failure
 * says the seed, the try and the sample, and {@code -Dcountersign.seed=…} runs the same samples again.
 * There is no shrinking: the sample is reported as it failed.
 */
public final class Properties {
    /** The seed of this run: one for the whole JVM, so that one {@code -Dcountersign.seed} reproduces all. */
    public static final long SEED = System.getProperty("countersign.seed") == null ? new SplittableRandom().nextLong()
            : Long.parseLong(System.getProperty("countersign.seed"));

    private Properties() {
    }

    /** A check of one sample; it throws (an assertion or anything else) when the sample breaks the property. */
    @FunctionalInterface
    public interface Check<T> {
        /** Checks {@code sample} and says what kind of sample it was ("read", "refused"): the run counts them. */
        String check(T sample) throws Exception;
    }

    /** The kinds of sample a run saw, with how many of each. */
    public record Run(String name, int tries, Map<String, Integer> kinds) {
        /**
         * That at least {@code percent} of the samples were of {@code kind}: a property is only worth its
         * tries if the generator reaches the cases it is about.
         */
        public Run assertShare(String kind, double percent) {
            double share = 100.0 * kinds.getOrDefault(kind, 0) / tries;
            assertTrue(share >= percent, name + ": " + kind + " in " + share + "% of " + tries + " tries, wanted at least "
                    + percent + "% (seed " + SEED + "): " + kinds);
            return this;
        }
    }

    /**
     * Checks {@code tries} samples of {@code gen}, stopping at the first that fails: its seed, try and
     * sample are in the failure's message. The kinds counted are printed, as the property's statistics.
     */
    public static <T> Run check(int tries, Gen<T> gen, Check<? super T> check) {
        String name = StackWalker.getInstance().walk(frames -> frames.skip(1).findFirst()).map(f -> f.getMethodName())
                .orElse("property");
        SplittableRandom seeds = new SplittableRandom(SEED);
        Map<String, Integer> kinds = new TreeMap<>();
        for (int attempt = 1; attempt <= tries; attempt++) {
            SplittableRandom random = seeds.split();
            T sample = null;
            try {
                sample = gen.next(random);
                kinds.merge(check.check(sample), 1, Integer::sum);
            } catch (Exception | AssertionError e) {
                throw new AssertionError(name + " failed at try " + attempt + " of " + tries + " (seed " + SEED
                        + "; -Dcountersign.seed=" + SEED + " repeats it)\nsample: " + shown(String.valueOf(sample), 2_000)
                        + "\n" + e, e);
            }
        }
        System.out.println(name + ": " + tries + " tries, seed " + SEED + ": " + kinds);
        return new Run(name, tries, kinds);
    }

    /** {@code text} for a report: at most {@code max} characters, anything unprintable as {@code \\uXXXX}. */
    public static String shown(String text, int max) {
        StringBuilder out = new StringBuilder();
        text.chars().limit(max).forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate((char) c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append((char) c);
            }
        });
        return text.length() > max ? out + "… (" + text.length() + " characters)" : out.toString();
    }
}
