package io.countersign.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The policy core knows nothing of HTTP, the database, channels or the CLI. Plain JUnit tests over the
 * ArchUnit API, so they run under whatever engine the build uses.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.countersign");
    }

    @Test
    void policyCoreStandsAlone() {
        noClasses().that().resideInAPackage("io.countersign.policy..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "jakarta.persistence..",
                        "io.quarkus..", "io.vertx..", "com.slack..", "io.countersign.cli..",
                        "io.countersign.decision..", "io.countersign.approval..", "io.countersign.audit..",
                        "io.countersign.evidence..", "io.countersign.channel..", "io.countersign.identity..")
                .check(classes);
    }

    @Test
    void rulesSeeOnlyFacts() {
        noClasses().that().resideInAPackage("io.countersign.policy.api..")
                .should().dependOnClassesThat().resideInAnyPackage("org.kie..", "org.drools..",
                        "io.countersign.policy.testing..")
                .check(classes);
    }

    @Test
    void theCheckCanFail() {
        // The import found the engine: a rule the engine breaks is reported, so the rules above are not vacuous.
        assertThrows(AssertionError.class, () -> noClasses().that().resideInAPackage("io.countersign.policy")
                .should().dependOnClassesThat().resideInAnyPackage("org.kie..").check(classes));
    }
}
