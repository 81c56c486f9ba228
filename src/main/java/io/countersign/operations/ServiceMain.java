package io.countersign.operations;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The service's entry point ({@code java -jar quarkus-run.jar}, {@code ./countersign}): JVM-wide settings
 * that must be in place before any library reads them, then Quarkus as usual.
 */
@QuarkusMain
public final class ServiceMain {
    /**
     * H2's value cache: H2 hashes every string bound to a statement to share equal values. The log writer
     * binds each entry's body and answer once, so the cache never hits and the hashing cost the writer
     * about an eighth of its time in a profile of the decision benchmark (docs/BENCHMARKS.md). H2 reads
     * the setting once, when its classes load; a value given on the command line (-D) is kept.
     */
    static final String H2_OBJECT_CACHE = "h2.objectCache";

    public static void main(String... args) {
        if (System.getProperty(H2_OBJECT_CACHE) == null) {
            System.setProperty(H2_OBJECT_CACHE, "false");
        }
        Quarkus.run(args);
    }
}
