package dev.streamgate.adapters.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.config.DeploymentConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * A deployment as the router runs it: its adapter, its circuit breaker and the streams leased on it. A retired
 * deployment (removed or changed by an operator) closes its adapter only once its last stream has ended, so
 * that a configuration change never cuts a stream that is already flowing.
 */
public final class LiveDeployment {
    private static final int CLOSED = -1;

    private final DeploymentConfig config;
    private final InferenceAdapter adapter;
    private final CircuitBreaker breaker;
    private final AtomicInteger leases = new AtomicInteger();
    private volatile boolean retired;

    public LiveDeployment(DeploymentConfig config, InferenceAdapter adapter, CircuitBreaker breaker) {
        this.config = config;
        this.adapter = adapter;
        this.breaker = breaker;
    }

    public String id() {
        return config.id();
    }

    public InferenceAdapter adapter() {
        return adapter;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /**
     * Takes a lease and a circuit breaker permission for one attempt; false when the circuit is open (or its
     * half-open trial calls are taken) or the deployment has been closed. Each true must be followed by
     * exactly one {@link #release()}.
     */
    public boolean tryAcquire() {
        int current;
        do {
            current = leases.get();
            if (current == CLOSED) {
                return false;
            }
        } while (!leases.compareAndSet(current, current + 1));
        if (breaker.tryAcquirePermission()) {
            return true;
        }
        release();
        return false;
    }

    public void release() {
        if (leases.decrementAndGet() == 0 && retired) {
            closeIfIdle();
        }
    }

    /** Stops accepting new attempts once idle, and closes the adapter then. */
    public void retire() {
        retired = true;
        closeIfIdle();
    }

    public boolean closed() {
        return leases.get() == CLOSED;
    }

    /**
     * Whether this deployment's adapter can serve {@code other} as it is: everything the adapter was built from is
     * the same, so that changing only a weight, a price or the alias keeps its pool and circuit state.
     */
    public boolean servesAs(DeploymentConfig other) {
        return config.id().equals(other.id())
                && config.provider() == other.provider()
                && Objects.equals(config.baseUrl(), other.baseUrl())
                && Objects.equals(config.apiKey(), other.apiKey())
                && config.upstreamModel().equals(other.upstreamModel())
                && config.pool().equals(other.pool())
                && config.timeouts().equals(other.timeouts())
                && config.options().equals(other.options());
    }

    private void closeIfIdle() {
        if (leases.compareAndSet(0, CLOSED)) {
            adapter.close();
        }
    }
}
