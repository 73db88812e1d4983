package dev.streamgate.streaming;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.streamgate.config.testsupport.ModuleRules;

/**
 * The dependency rules of this module's production classes, checked on every build (see {@link ModuleRules} and
 * ARCHITECTURE.md).
 */
@AnalyzeClasses(packages = "dev.streamgate.streaming", importOptions = {ImportOption.DoNotIncludeTests.class,
        ImportOption.DoNotIncludeJars.class})
class StreamingArchitectureTest {
    /** This module depends only on config: the gateway, the adapters and the worker share it. */
    @ArchTest
    static final ArchRule onlyAllowedModules = ModuleRules.dependsOnlyOn("streaming", "config");

    @ArchTest
    static final ArchRule noSpring = ModuleRules.noSpring();

    @ArchTest
    static final ArchRule noOtherModulesInternals = ModuleRules.noOtherModulesInternals("streaming");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = ModuleRules.packagesFreeOfCycles("streaming")
            // Known exception: TokenEstimator (root) estimates prompts from the openai package's request types,
            // while openai encodes the root's stream events. Moving it would change the gateway's imports.
            .ignoreDependency(JavaClass.Predicates.type(TokenEstimator.class),
                    resideInAPackage("dev.streamgate.streaming.openai"));
}
