package dev.streamgate.adapters;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.streamgate.config.testsupport.ModuleRules;

/**
 * The dependency rules of this module's production classes, checked on every build (see {@link ModuleRules} and
 * ARCHITECTURE.md).
 */
@AnalyzeClasses(packages = "dev.streamgate.adapters", importOptions = {ImportOption.DoNotIncludeTests.class,
        ImportOption.DoNotIncludeJars.class})
class AdaptersArchitectureTest {
    /** This module depends only on streaming and config. */
    @ArchTest
    static final ArchRule onlyAllowedModules = ModuleRules.dependsOnlyOn("adapters", "config", "streaming");

    @ArchTest
    static final ArchRule noSpring = ModuleRules.noSpring();

    @ArchTest
    static final ArchRule noOtherModulesInternals = ModuleRules.noOtherModulesInternals("adapters");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = ModuleRules.packagesFreeOfCycles("adapters");
}
