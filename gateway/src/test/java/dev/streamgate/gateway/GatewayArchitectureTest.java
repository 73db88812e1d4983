package dev.streamgate.gateway;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.streamgate.config.testsupport.ModuleRules;

/**
 * The dependency rules of this module's production classes, checked on every build (see {@link ModuleRules} and
 * ARCHITECTURE.md).
 */
@AnalyzeClasses(packages = "dev.streamgate.gateway", importOptions = {ImportOption.DoNotIncludeTests.class,
        ImportOption.DoNotIncludeJars.class})
class GatewayArchitectureTest {
    @ArchTest
    static final ArchRule noOtherModulesInternals = ModuleRules.noOtherModulesInternals("gateway");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = ModuleRules.packagesFreeOfCycles("gateway");
}
