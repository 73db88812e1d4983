import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs JUnit test classes on the GPU machine, where there is no Maven: the classes named as arguments (the CUDA
 * tests, tagged "gpu", and the backend selection tests; compiled on the development machine and carried over), one
 * line per test, then the summary. Exit status 0 only
 * when tests ran and none failed or was skipped (on the GPU machine a skip means the device was not usable).
 */
public final class GpuTestLauncher {

    public static void main(String[] args) {
        List<ClassSelector> selectors = new ArrayList<>();
        for (String name : args) selectors.add(selectClass(name));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener lines = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) {
                    if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL)
                        System.out.println("  " + result.getStatus() + " " + id.getDisplayName() + ": "
                                + result.getThrowable().map(Throwable::toString).orElse(""));
                    return;
                }
                String status = switch (result.getStatus()) {
                    case SUCCESSFUL -> "ok   ";
                    case ABORTED -> "SKIP ";
                    case FAILED -> "FAIL ";
                };
                Optional<Throwable> failure = result.getThrowable();
                System.out.println("  " + status + " " + id.getLegacyReportingName() + " "
                        + failure.map(t -> "\n        " + t.toString().replace("\n", "\n        ")).orElse(""));
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                System.out.println("  SKIP  " + id.getDisplayName() + ": " + reason);
            }
        };
        launcher.execute(request, summary, lines);
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printFailuresTo(out, 25);
        long found = s.getTestsFoundCount(), passed = s.getTestsSucceededCount();
        long failed = s.getTestsFailedCount() + s.getContainersFailedCount();
        System.out.printf("gpu tests: %d passed, %d failed, %d not run or skipped (of %d)%n", passed, failed,
                found - passed - s.getTestsFailedCount(), found);
        boolean ok = found > 0 && passed == found && s.getTotalFailureCount() == 0;
        System.exit(ok ? 0 : 1);
    }
}
