package dev.streamgate.config;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.streamgate.config.testsupport.ModuleRules;

/**
 * The dependency rules of this module's production classes, checked on every build (see {@link ModuleRules} and
 * ARCHITECTURE.md).
 */
@AnalyzeClasses(packages = "dev.streamgate.config", importOptions = {ImportOption.DoNotIncludeTests.class,
        ImportOption.DoNotIncludeJars.class})
class ConfigArchitectureTest {
    /** This module depends on nothing of StreamGate's: every other module reads it. */
    @ArchTest
    static final ArchRule onlyAllowedModules = ModuleRules.dependsOnlyOn("config");

    @ArchTest
    static final ArchRule noSpring = ModuleRules.noSpring();

    @ArchTest
    static final ArchRule noOtherModulesInternals = ModuleRules.noOtherModulesInternals("config");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = ModuleRules.packagesFreeOfCycles("config");
}
