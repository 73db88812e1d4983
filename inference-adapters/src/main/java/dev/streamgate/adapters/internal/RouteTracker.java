package dev.streamgate.adapters.internal;

import java.util.concurrent.atomic.AtomicInteger;

import dev.streamgate.config.DeploymentConfig;

/** What one routed request has done so far: the deployment it is on and how many attempts it took. */
public final class RouteTracker {
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile DeploymentConfig deployment;
    private volatile boolean served;

    void attempting(DeploymentConfig config) {
        deployment = config;
        attempts.incrementAndGet();
    }

    void served(DeploymentConfig config) {
        deployment = config;
        served = true;
    }

    public DeploymentConfig deployment() {
        return deployment;
    }

    public boolean served() {
        return served;
    }

    public int attempts() {
        return attempts.get();
    }
}
