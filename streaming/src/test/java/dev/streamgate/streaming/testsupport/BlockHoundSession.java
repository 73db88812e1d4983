package dev.streamgate.streaming.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound once, when the test JVM's JUnit session opens and before any Reactor scheduler or Netty
 * event loop exists, so that a blocking call on a non-blocking thread fails the test that made it. Installing it
 * later, from a test class, breaks schedulers that are already running (on JDK 25, Reactor's parallel threads
 * then stop delivering: a stream hangs). Registered in this test-jar's META-INF/services, so every module whose
 * tests depend on the jar runs them all under BlockHound; each module adds its allowances as
 * {@code BlockHoundIntegration} services.
 */
public final class BlockHoundSession implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        BlockHound.install();
    }
}
