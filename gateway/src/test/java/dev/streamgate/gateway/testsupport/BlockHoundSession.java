package dev.streamgate.gateway.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound once, when the test JVM's JUnit session opens and before any Reactor scheduler or Netty
 * event loop exists, so that a blocking call on a non-blocking thread fails the test that made it. Installing it
 * later, from a test class, breaks schedulers that are already running.
 */
public final class BlockHoundSession implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        BlockHound.install();
    }
}
