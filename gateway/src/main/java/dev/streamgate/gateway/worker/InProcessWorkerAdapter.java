package dev.streamgate.gateway.worker;

import java.nio.file.Path;

import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.worker.BundledModel;
import dev.streamgate.worker.WorkerOptions;
import dev.streamgate.worker.WorkerRuntime;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A {@code worker} deployment: the model runs on StreamGate's engine in this process, through the same
 * continuous-batching scheduler as the standalone worker. Loading (and warming) the model blocks, so it runs on
 * a bounded-elastic thread, starting as soon as the deployment is created; requests that arrive before it is
 * ready wait for it. A model that fails to load fails every request with that reason instead of the process.
 */
final class InProcessWorkerAdapter implements InferenceAdapter {
    private static final Logger log = LoggerFactory.getLogger(InProcessWorkerAdapter.class);

    private final DeploymentConfig deployment;
    private final Mono<WorkerRuntime> runtime;

    InProcessWorkerAdapter(DeploymentConfig deployment, MeterRegistry gatewayRegistry) {
        this.deployment = deployment;
        MeterRegistry registry = workerRegistry(gatewayRegistry);
        Path folder = modelFolder(deployment);
        WorkerOptions options = WorkerOptions.DEFAULTS.withServedModelName(deployment.upstreamModel());
        this.runtime = Mono.fromCallable(() -> {
                    long start = System.nanoTime();
                    WorkerRuntime started = WorkerRuntime.builder(folder).options(options).meterRegistry(registry)
                            .start();
                    log.info("Deployment {} serves {} in process on {} ({} ms to load and warm up)",
                            deployment.id(), deployment.upstreamModel(), started.engineInfo().backend(),
                            (System.nanoTime() - start) / 1_000_000);
                    return started;
                })
                .subscribeOn(Schedulers.boundedElastic())
                .doOnError(e -> log.error("Deployment {} could not load its model from {}", deployment.id(), folder,
                        e))
                .cache();
        this.runtime.subscribe(ignored -> { }, ignored -> { });
    }

    /**
     * The worker's meters go to the gateway's registry, except that its {@code gen_ai.*} ones are renamed to
     * {@code streamgate.worker.gen_ai.*}: the gateway measures the same names at its edge with other tags, and
     * Prometheus allows one set of tag keys per name.
     */
    private static MeterRegistry workerRegistry(MeterRegistry gatewayRegistry) {
        CompositeMeterRegistry registry = new CompositeMeterRegistry();
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().startsWith("gen_ai.") ? id.withName("streamgate.worker." + id.getName()) : id;
            }
        });
        registry.add(gatewayRegistry);
        return registry;
    }

    private static Path modelFolder(DeploymentConfig deployment) {
        String path = deployment.option("modelPath", null);
        if (path != null) {
            return Path.of(path);
        }
        String bundled = deployment.option("model", BundledModel.DEMO_CHAT);
        if (!BundledModel.exists(bundled)) {
            throw new ConfigException("deployment " + deployment.id() + ": no bundled model named '" + bundled
                    + "'; set options.modelPath to a Hugging Face model folder");
        }
        return BundledModel.folder(bundled);
    }

    @Override
    public String deploymentId() {
        return deployment.id();
    }

    @Override
    public Flux<StreamEvent> stream(InferenceRequest request) {
        ChatCompletionRequest chat = request.chat();
        ChatCompletionRequest forWorker = new ChatCompletionRequest(deployment.upstreamModel(), chat.messages(),
                chat.maxTokens(), chat.temperature(), chat.topP(), chat.stop(), chat.seed(), chat.user(),
                chat.stream(), chat.includeUsage(), chat.raw());
        return runtime.flatMapMany(worker -> worker.chat(forWorker));
    }

    @Override
    public void close() {
        runtime.subscribe(WorkerRuntime::close, ignored -> { });
    }
}
