package dev.streamgate.gateway.deployments;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The catalog of one gateway instance. It polls a digest of the deployments table every {@code pollInterval} and
 * reloads the table only when the digest changed, so a change made through any instance reaches all of them within
 * one interval; {@link #refresh()} lets the instance that made a change apply it at once. Reloads run one at a time.
 * Configuration-defined deployments cannot be overridden from the database: a row with the same id is ignored, with
 * a warning.
 */
public final class PollingDeploymentCatalog implements DeploymentCatalog, SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PollingDeploymentCatalog.class);
    private static final Duration EMIT_SPIN = Duration.ofSeconds(1);

    private final List<DeploymentConfig> configured;
    private final Set<String> configuredIds;
    private final DeploymentRepository repository;
    private final Duration pollInterval;
    private final Scheduler scheduler;
    private final Sinks.Many<List<DeploymentConfig>> changes = Sinks.many().replay().latest();
    private final Sinks.Many<Refresh> refreshes = Sinks.many().unicast().onBackpressureBuffer();
    private final Set<String> shadowWarned = ConcurrentHashMap.newKeySet();
    private volatile List<DeploymentConfig> current;
    private volatile String digest;
    private volatile Disposable polling;

    /** A request to reload; {@code sink} is null for a poll tick. */
    private record Refresh(MonoSink<Void> sink) {
    }

    public PollingDeploymentCatalog(List<DeploymentConfig> configured, DeploymentRepository repository,
                                    Duration pollInterval, Scheduler scheduler) {
        this.configured = List.copyOf(configured);
        this.configuredIds = new HashSet<>();
        for (DeploymentConfig d : this.configured) {
            if (!configuredIds.add(d.id())) {
                throw new ConfigException("streamgate.deployments defines deployment id '" + d.id() + "' twice");
            }
        }
        this.repository = repository;
        this.pollInterval = pollInterval;
        this.scheduler = scheduler;
        publish(this.configured);
    }

    /** Reads the database once, blocking: called at start-up so the router starts with the full catalog. */
    public void load(Duration timeout) {
        reloadIfChanged().block(timeout);
    }

    @Override
    public List<DeploymentConfig> deployments() {
        return current;
    }

    @Override
    public Flux<List<DeploymentConfig>> changes() {
        return changes.asFlux();
    }

    /** The deployments defined in configuration; the admin API may not change these. */
    public List<DeploymentConfig> configured() {
        return configured;
    }

    public boolean isConfigured(String id) {
        return configuredIds.contains(id);
    }

    /** Reloads now; completes once the catalog reflects every change committed before the call. */
    public Mono<Void> refresh() {
        if (polling == null) {
            return reloadIfChanged();
        }
        return Mono.create(sink -> refreshes.emitNext(new Refresh(sink),
                Sinks.EmitFailureHandler.busyLooping(EMIT_SPIN)));
    }

    @Override
    public synchronized void start() {
        if (polling != null) {
            return;
        }
        Flux<Refresh> ticks = Flux.interval(pollInterval, pollInterval, scheduler)
                .onBackpressureDrop()
                .map(tick -> new Refresh(null));
        polling = Flux.merge(ticks, refreshes.asFlux())
                .concatMap(refresh -> reloadIfChanged()
                        .doOnSuccess(done -> {
                            if (refresh.sink() != null) {
                                refresh.sink().success();
                            }
                        })
                        .onErrorResume(e -> {
                            log.warn("Could not reload model deployments; keeping the current {}: {}",
                                    current.size(), e.toString());
                            if (refresh.sink() != null) {
                                refresh.sink().error(e);
                            }
                            return Mono.empty();
                        }), 1)
                .subscribe();
    }

    @Override
    public synchronized void stop() {
        if (polling != null) {
            polling.dispose();
            polling = null;
        }
    }

    @Override
    public boolean isRunning() {
        return polling != null;
    }

    private Mono<Void> reloadIfChanged() {
        return repository.fingerprint()
                .filter(latest -> !latest.equals(digest))
                // The digest is read before the rows: a change committed in between is loaded now and seen
                // again (as a new digest) on the next poll, never missed.
                .flatMap(latest -> repository.findAll().collectList().doOnNext(stored -> {
                    digest = latest;
                    publish(merge(stored));
                }))
                .then();
    }

    private List<DeploymentConfig> merge(List<StoredDeployment> stored) {
        List<DeploymentConfig> merged = new ArrayList<>(configured);
        Set<String> seen = new LinkedHashSet<>(configuredIds);
        for (StoredDeployment s : stored) {
            String id = s.config().id();
            if (configuredIds.contains(id)) {
                if (shadowWarned.add(id)) {
                    log.warn("Deployment '{}' in the database is ignored: configuration defines one with that id", id);
                }
            } else if (s.enabled() && seen.add(id)) {
                merged.add(s.config());
            }
        }
        return List.copyOf(merged);
    }

    private void publish(List<DeploymentConfig> deployments) {
        if (deployments.equals(current)) {
            return;
        }
        current = deployments;
        changes.emitNext(deployments, Sinks.EmitFailureHandler.busyLooping(EMIT_SPIN));
        log.info("Model deployments: {}", deployments.stream().map(d -> d.id() + "->" + d.model()).toList());
    }
}
