package dev.streamgate.config.testsupport;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Arrays;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SliceRule;

/**
 * The dependency rules every module's {@code *ArchitectureTest} checks (ARCHITECTURE.md describes the modules):
 * which of StreamGate's modules it may use, no Spring outside the gateway, no other module's {@code internal}
 * packages, no cycles between its top-level packages. Shipped in this module's test-jar, which every module's tests
 * use.
 */
public final class ModuleRules {
    private static final String ROOT = "dev.streamgate";

    private ModuleRules() {
    }

    /** The module's classes use no package of StreamGate's but its own and {@code allowed} (short names). */
    public static ArchRule dependsOnlyOn(String module, String... allowed) {
        String[] packages = Stream.concat(Stream.of(module), Arrays.stream(allowed))
                .map(name -> ROOT + "." + name + "..").toArray(String[]::new);
        return noClasses()
                .should().dependOnClassesThat(resideInAPackage(ROOT + "..").and(not(resideInAnyPackage(packages))))
                .because("the module graph is config <- streaming <- inference-adapters / gpu-worker <- gateway");
    }

    /** Spring stays in the gateway: the libraries run in the worker and in tests without an application context. */
    public static ArchRule noSpring() {
        return noClasses()
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .because("only the gateway is a Spring application");
    }

    /** Another module's {@code internal} packages are its implementation, free to change without notice. */
    public static ArchRule noOtherModulesInternals(String module) {
        return noClasses()
                .should().dependOnClassesThat(resideInAPackage(ROOT + "..internal..")
                        .and(not(resideInAPackage(ROOT + "." + module + ".."))))
                .because("internal packages are not part of a module's API");
    }

    /**
     * The module's top-level packages form layers (a package and its sub-packages count as one): a cycle would make
     * them one package in all but name. Known exceptions are added by the caller with {@code ignoreDependency}.
     */
    public static SliceRule packagesFreeOfCycles(String module) {
        return slices().assignedFrom(packagesUnder(ROOT + "." + module)).should().beFreeOfCycles();
    }

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
