package dev.streamgate.worker;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.streamgate.config.testsupport.ModuleRules;

/**
 * The dependency rules of this module's production classes, checked on every build (see {@link ModuleRules} and
 * ARCHITECTURE.md).
 */
@AnalyzeClasses(packages = "dev.streamgate.worker", importOptions = {ImportOption.DoNotIncludeTests.class,
        ImportOption.DoNotIncludeJars.class})
class WorkerArchitectureTest {
    /** This module depends only on streaming and config: it runs as its own server, without the gateway. */
    @ArchTest
    static final ArchRule onlyAllowedModules = ModuleRules.dependsOnlyOn("worker", "config", "streaming");

    @ArchTest
    static final ArchRule noSpring = ModuleRules.noSpring();

    @ArchTest
    static final ArchRule noOtherModulesInternals = ModuleRules.noOtherModulesInternals("worker");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = ModuleRules.packagesFreeOfCycles("worker")
            // Known exception: the service-provider interface names the engine's types, and the engine package
            // holds its ServiceLoader implementation.
            .ignoreDependency("dev.streamgate.worker.engine.NativeEngineFactory",
                    "dev.streamgate.worker.spi.EngineFactory");
}
