package dev.streamgate.gateway.auth.demo;

import java.time.Duration;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Provisions the demo key once the application is ready: after every {@code ApplicationRunner} (where seeding
 * belongs) and after every other ready-listener (this one is ordered last). Runs on the start-up thread, never
 * an event loop, so waiting for the result is fine; a failure stops the start, loudly.
 */
public final class DemoKeyStartup implements ApplicationListener<ApplicationReadyEvent>, Ordered {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final DemoKeyProvisioner provisioner;

    public DemoKeyStartup(DemoKeyProvisioner provisioner) {
        this.provisioner = provisioner;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        provisioner.provision().block(LIMIT);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
