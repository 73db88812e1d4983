package dev.streamgate.streaming;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The dependency rules of this module's production classes, checked on every build (ARCHITECTURE.md describes the
 * modules).
 */
@AnalyzeClasses(packages = "dev.streamgate.streaming", importOptions = {ImportOption.DoNotIncludeTests.class,
        ImportOption.DoNotIncludeJars.class})
class StreamingArchitectureTest {

    /** This module depends only on config: the gateway, the adapters and the worker share it. */
    @ArchTest
    static final ArchRule onlyAllowedModules = noClasses()
            .should().dependOnClassesThat(resideInAPackage("dev.streamgate..")
                    .and(not(resideInAnyPackage("dev.streamgate.streaming..", "dev.streamgate.config.."))))
            .because("the module graph is config <- streaming <- inference-adapters / gpu-worker <- gateway");

    /** Spring stays in the gateway: the libraries run in the worker and in tests without an application context. */
    @ArchTest
    static final ArchRule noSpring = noClasses()
            .should().dependOnClassesThat().resideInAPackage("org.springframework..")
            .because("only the gateway is a Spring application");

    /** Another module's {@code internal} packages are its implementation, free to change without notice. */
    @ArchTest
    static final ArchRule noOtherModulesInternals = noClasses()
            .should().dependOnClassesThat(resideInAPackage("dev.streamgate..internal..")
                    .and(not(resideInAPackage("dev.streamgate.streaming.."))))
            .because("internal packages are not part of a module's API");

    /**
     * The module's top-level packages form layers (a package and its sub-packages count as one): a cycle would make
     * them one package in all but name.
     */
    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().assignedFrom(packagesUnder("dev.streamgate.streaming"))
            .should().beFreeOfCycles()
            // Known exception: TokenEstimator (root) estimates prompts from the openai package's request types,
            // while openai encodes the root's stream events. Moving it would change the gateway's imports.
            .ignoreDependency(JavaClass.Predicates.type(TokenEstimator.class),
                    resideInAPackage("dev.streamgate.streaming.openai"));

    /** One slice per top-level package under {@code root}, with its sub-packages; the root package is one too. */
    private static SliceAssignment packagesUnder(String root) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String name = javaClass.getPackageName();
                if (name.equals(root)) {
                    return SliceIdentifier.of("(root)");
                }
                if (!name.startsWith(root + ".")) {
                    return SliceIdentifier.ignore();
                }
                String below = name.substring(root.length() + 1);
                int dot = below.indexOf('.');
                return SliceIdentifier.of(dot < 0 ? below : below.substring(0, dot));
            }

            @Override
            public String getDescription() {
                return "packages under " + root;
            }
        };
    }
}
