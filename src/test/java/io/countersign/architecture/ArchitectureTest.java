package io.countersign.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The policy core knows nothing of HTTP, the database, channels or the CLI. */
@AnalyzeClasses(packages = "io.countersign", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule policyCoreStandsAlone = noClasses().that().resideInAPackage("io.countersign.policy..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "jakarta.persistence..",
                    "io.quarkus..", "io.vertx..", "com.slack..", "io.countersign.cli..", "io.countersign.decision..",
                    "io.countersign.approval..", "io.countersign.audit..", "io.countersign.evidence..",
                    "io.countersign.channel..", "io.countersign.identity..");

    @ArchTest
    static final ArchRule rulesSeeOnlyFacts = noClasses().that().resideInAPackage("io.countersign.policy.api..")
            .should().dependOnClassesThat().resideInAnyPackage("org.kie..", "org.drools..", "io.countersign.policy.testing..");
}
