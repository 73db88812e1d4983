package dev.streamgate.adapters;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import dev.streamgate.adapters.internal.Backoff;
import dev.streamgate.adapters.internal.FailoverStream;
import dev.streamgate.adapters.internal.InputCheck;
import dev.streamgate.adapters.internal.LiveDeployment;
import dev.streamgate.adapters.internal.ModelRoute;
import dev.streamgate.adapters.internal.RouteEntry;
import dev.streamgate.adapters.internal.RouteTracker;
import dev.streamgate.adapters.internal.RouterMetrics;
import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.adapters.spi.UpstreamException;
import dev.streamgate.config.AcceptedInputs;
import dev.streamgate.config.CircuitBreakerSettings;
import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.RetrySettings;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.InvalidRequestException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Routes a request for a model alias to one of the deployments serving it, and keeps it alive across their
 * failures: a weighted random choice among deployments whose circuit is closed, retries with exponential backoff
 * and jitter on retryable failures before the first event, then fallback to the other deployments, heaviest
 * first (see {@link FailoverStream} for the exact rules). Each deployment has its own Resilience4j circuit
 * breaker.
 *
 * <p>The deployment set is replaced at runtime with {@link #update}, as operators register deployments through
 * the admin API. Deployments that are removed or whose connection settings changed are closed once their running
 * streams end; changing only a weight, price or alias keeps a deployment's pool and circuit state.
 *
 * <p>Metrics: {@code streamgate.upstream.errors{model,deployment,kind}}, {@code streamgate.upstream.retries
 * {model,deployment}}, {@code streamgate.upstream.fallbacks{model,deployment}} and Resilience4j's
 * {@code resilience4j.circuitbreaker.*{name=<deployment id>}} (state, calls, failure rate).
 *
 * <p>Thread-safe. Build it with {@link #builder(AdapterFactory)}.
 */
public final class DeploymentRouter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeploymentRouter.class);
    /** Slowness is the adapters' timeouts' business, not the breaker's. */
    private static final Duration NEVER_SLOW = Duration.ofDays(365);
    private static final int MAX_HALF_OPEN_CALLS = 10;

    private final AdapterFactory factory;
    private final RetrySettings retry;
    private final CircuitBreakerConfig breakerConfig;
    private final CircuitBreakerRegistry breakers;
    private final RouterMetrics metrics;
    private final RandomGenerator random;
    private final Backoff backoff;
    private final Scheduler scheduler;
    private volatile Map<String, ModelRoute> routes = Map.of();
    /** Guarded by {@code this}. */
    private Map<String, LiveDeployment> live = Map.of();
    private volatile boolean closed;

    private DeploymentRouter(Builder builder) {
        this.factory = builder.factory;
        this.retry = builder.retry;
        this.random = builder.random;
        this.scheduler = builder.scheduler;
        this.backoff = new Backoff(builder.retry, builder.random);
        this.metrics = new RouterMetrics(builder.meterRegistry);
        this.breakerConfig = breakerConfig(builder.circuitBreaker, builder.clock);
        this.breakers = CircuitBreakerRegistry.of(breakerConfig);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(builder.meterRegistry);
    }

    public static Builder builder(AdapterFactory factory) {
        return new Builder(factory);
    }

    /**
     * Routes one request to the deployments of {@code request.chat().model()}. Nothing happens until
     * {@link RoutedStream#batches()} (or {@link RoutedStream#events()}) is subscribed; cancelling that subscription
     * cancels the upstream call.
     *
     * @throws UnknownModelException when no deployment serves the model (the gateway answers 404
     *                               {@code model_not_found})
     */
    public RoutedStream route(InferenceRequest request) {
        Objects.requireNonNull(request, "request");
        String model = request.chat().model();
        if (closed) {
            throw new IllegalStateException("the router is closed");
        }
        if (model == null || !routes.containsKey(model)) {
            throw new UnknownModelException(String.valueOf(model));
        }
        RouteTracker tracker = new RouteTracker();
        Flux<List<StreamEvent>> batches = Flux.defer(() -> {
            // read again: an update may have come between route() and subscription
            ModelRoute route = routes.get(model);
            if (route == null) {
                return Flux.error(new UnknownModelException(model));
            }
            return new FailoverStream(request, route.candidates(random), backoff, retry.maxAttempts(), scheduler,
                    metrics, tracker).batches();
        });
        return new RoutedStream(batches, tracker);
    }

    /** Whether some deployment serves {@code model}. */
    public boolean serves(String model) {
        return model != null && routes.containsKey(model);
    }

    /**
     * Checks, before any upstream call, that the model can take the request as it stands (content part types,
     * tools; see {@link AcceptedInputs}). A request it cannot take is the caller's to fix, so it is refused here
     * rather than failing on a backend, where it would cost an attempt and could count against the deployment.
     *
     * @throws InvalidRequestException naming the first field the model does not accept
     */
    public void requireAccepted(ChatCompletionRequest chat) {
        ModelRoute route = chat.model() == null ? null : routes.get(chat.model());
        if (route != null) {
            InputCheck.require(chat, route.accepted());
        }
    }

    /** The model aliases served. */
    public Set<String> models() {
        return routes.keySet();
    }

    /** The deployments of {@code model}, heaviest first; empty for an unknown model. */
    public List<DeploymentConfig> deployments(String model) {
        ModelRoute route = model == null ? null : routes.get(model);
        return route == null ? List.of() : route.entries().stream().map(RouteEntry::config).toList();
    }

    /** The circuit state of a deployment, for health and admin views; empty for an unknown id. */
    public Optional<CircuitBreaker.State> circuitState(String deploymentId) {
        return deploymentId == null ? Optional.empty() : breakers.find(deploymentId).map(CircuitBreaker::getState);
    }

    /**
     * Replaces the whole deployment set. Adapters are created for new and changed deployments before anything is
     * swapped, so a deployment the factory rejects leaves the router as it was.
     *
     * @throws ConfigException when two deployments share an id or a deployment cannot be built
     */
    public synchronized void update(List<DeploymentConfig> deployments) {
        if (closed) {
            throw new IllegalStateException("the router is closed");
        }
        Set<String> ids = new HashSet<>();
        for (DeploymentConfig deployment : deployments) {
            if (!ids.add(deployment.id())) {
                throw new ConfigException("deployment.id " + deployment.id() + " is used twice");
            }
        }
        deployments.forEach(AcceptedInputs::of);  // a misdeclared options.accepts fails here, not on a request
        Map<String, InferenceAdapter> created = createAdapters(deployments);
        Map<String, LiveDeployment> nextLive = new LinkedHashMap<>();
        Map<String, List<RouteEntry>> entries = new LinkedHashMap<>();
        for (DeploymentConfig deployment : deployments) {
            LiveDeployment running = created.containsKey(deployment.id())
                    ? new LiveDeployment(deployment, created.get(deployment.id()), newBreaker(deployment.id()))
                    : live.get(deployment.id());
            nextLive.put(deployment.id(), running);
            entries.computeIfAbsent(deployment.model(), model -> new ArrayList<>())
                    .add(new RouteEntry(deployment, running));
        }
        Map<String, ModelRoute> nextRoutes = new HashMap<>();
        entries.forEach((model, modelEntries) -> nextRoutes.put(model, new ModelRoute(model, modelEntries)));
        routes = Map.copyOf(nextRoutes);
        for (LiveDeployment previous : live.values()) {
            if (nextLive.get(previous.id()) != previous) {
                if (!nextLive.containsKey(previous.id())) {
                    breakers.remove(previous.id());
                }
                previous.retire();
            }
        }
        live = nextLive;
        log.info("routing {} deployments for models {}", nextLive.size(), nextRoutes.keySet());
    }

    /** Stops routing and closes every adapter once its running streams end. */
    @Override
    public synchronized void close() {
        closed = true;
        routes = Map.of();
        for (LiveDeployment deployment : live.values()) {
            breakers.remove(deployment.id());
            deployment.retire();
        }
        live = Map.of();
    }

    private Map<String, InferenceAdapter> createAdapters(List<DeploymentConfig> deployments) {
        Map<String, InferenceAdapter> created = new HashMap<>();
        try {
            for (DeploymentConfig deployment : deployments) {
                LiveDeployment running = live.get(deployment.id());
                if (running == null || !running.servesAs(deployment)) {
                    created.put(deployment.id(), factory.create(deployment));
                }
            }
            return created;
        } catch (RuntimeException e) {
            created.values().forEach(InferenceAdapter::close);
            throw e;
        }
    }

    /** A fresh breaker, registered under the deployment id so that its metrics follow it. */
    private CircuitBreaker newBreaker(String deploymentId) {
        breakers.remove(deploymentId);
        CircuitBreaker breaker = breakers.circuitBreaker(deploymentId, breakerConfig);
        breaker.getEventPublisher().onStateTransition(event -> log.warn("circuit of deployment {}: {}",
                deploymentId, event.getStateTransition()));
        return breaker;
    }

    private static CircuitBreakerConfig breakerConfig(CircuitBreakerSettings settings, Clock clock) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.slidingWindowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRateThreshold())
                .waitDurationInOpenState(settings.openDuration())
                .permittedNumberOfCallsInHalfOpenState(Math.min(settings.minimumCalls(), MAX_HALF_OPEN_CALLS))
                // Only upstream faults count against a deployment (see UpstreamException.upstreamFault): a 4xx
                // is the caller's fault and shows the upstream is up (a success to the breaker), and a 429 is
                // ignored, neither health nor fault, so that one tenant's bad or bursty requests cannot open the
                // circuit of a model that every tenant shares.
                .ignoreException(error -> error instanceof UpstreamException upstream
                        && upstream.kind() == UpstreamException.Kind.HTTP_STATUS && upstream.status() == 429)
                .recordException(error -> !(error instanceof UpstreamException upstream) || upstream.upstreamFault())
                .slowCallDurationThreshold(NEVER_SLOW)
                .clock(clock)
                .build();
    }

    /** Settings of a {@link DeploymentRouter}; every one but the factory has a production default. */
    public static final class Builder {
        private final AdapterFactory factory;
        private RetrySettings retry = RetrySettings.DEFAULT;
        private CircuitBreakerSettings circuitBreaker = CircuitBreakerSettings.DEFAULT;
        private MeterRegistry meterRegistry = new SimpleMeterRegistry();
        private RandomGenerator random = ThreadLocalRandom.current();
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler = Schedulers.parallel();
        private List<DeploymentConfig> deployments = List.of();

        private Builder(AdapterFactory factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
        }

        public Builder retry(RetrySettings retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        public Builder circuitBreaker(CircuitBreakerSettings circuitBreaker) {
            this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker");
            return this;
        }

        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /** Draws deployments and jitter; must be safe for concurrent use (default: {@link ThreadLocalRandom}). */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Times the circuit breakers' open state. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Runs retry backoffs. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The initial deployment set (see {@link DeploymentRouter#update}). */
        public Builder deployments(List<DeploymentConfig> deployments) {
            this.deployments = List.copyOf(deployments);
            return this;
        }

        public DeploymentRouter build() {
            DeploymentRouter router = new DeploymentRouter(this);
            if (!deployments.isEmpty()) {
                router.update(deployments);
            }
            return router;
        }
    }
}
