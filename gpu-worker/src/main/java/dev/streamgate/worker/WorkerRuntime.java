package dev.streamgate.worker;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.InvalidRequestException;
import dev.streamgate.worker.engine.InferenceEngine;
import dev.streamgate.worker.engine.ModelInfo;
import dev.streamgate.worker.engine.SamplingParams;
import dev.streamgate.worker.scheduler.GenerationRequest;
import dev.streamgate.worker.scheduler.Scheduler;
import dev.streamgate.worker.scheduler.SchedulerConfig;
import dev.streamgate.worker.scheduler.SchedulerLoop;
import dev.streamgate.worker.scheduler.SchedulerMetrics;
import dev.streamgate.worker.scheduler.SchedulerState;
import dev.streamgate.worker.spi.EngineFactory;
import dev.streamgate.worker.template.ChatTemplate;
import dev.streamgate.worker.tokenizer.PromptTokens;
import dev.streamgate.worker.tokenizer.TextEncoder;
import dev.streamgate.worker.tokenizer.TokenVocabulary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Schedulers;

/**
 * One model served in this process: tokenizer, chat template, engine and the scheduler thread that drives it.
 * The worker's HTTP server and the gateway's embedded default both sit on it.
 *
 * <p>{@link #start} blocks (it loads the model and runs a warm-up generation): call it at startup, never on an event
 * loop. Everything after that is non-blocking: {@link #chat} and {@link #generate} return cold fluxes that queue the
 * request on subscription and cancel it (its KV blocks are freed before the next step) when the subscriber cancels.
 * Events are delivered on Reactor's parallel scheduler, so a slow subscriber never holds up the batch.
 */
public final class WorkerRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);

    private final String modelName;
    private final ModelFolder model;
    private final TokenVocabulary vocabulary;
    private final TextEncoder encoder;
    private final InferenceEngine engine;
    private final SchedulerLoop loop;
    private final RequestPreparer preparer;
    private final long created;
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean ready;

    private WorkerRuntime(Builder builder, String modelName, ModelFolder model, TokenVocabulary vocabulary,
                          TextEncoder encoder, Optional<ChatTemplate> template, InferenceEngine engine,
                          SchedulerLoop loop) {
        this.modelName = modelName;
        this.model = model;
        this.vocabulary = vocabulary;
        this.encoder = encoder;
        this.engine = engine;
        this.loop = loop;
        this.preparer = new RequestPreparer(modelName, model, template,
                new PromptTokens(encoder, model.bosTokenId(), model.addBosToken()), engine.info().vocabSize(),
                loop.contextLength(), builder.seeds);
        this.created = builder.clock.instant().getEpochSecond();
    }

    public static Builder builder(Path modelFolder) {
        return new Builder(modelFolder);
    }

    /** Starts a runtime on the engine found on the class path, with meters in a private registry. */
    public static WorkerRuntime start(Path modelFolder, WorkerOptions options) {
        return builder(modelFolder).options(options).start();
    }

    /** The name requests use in {@code model}. */
    public String modelName() {
        return modelName;
    }

    public ModelFolder model() {
        return model;
    }

    public ModelInfo engineInfo() {
        return engine.info();
    }

    /** The longest sequence (prompt and output) this worker can run. */
    public int contextLength() {
        return loop.contextLength();
    }

    /** Unix seconds when the model was loaded ({@code created} in {@code /v1/models}). */
    public long created() {
        return created;
    }

    /** Loaded, warmed, and the scheduler thread alive. */
    public boolean ready() {
        return ready && loop.alive();
    }

    public SchedulerState state() {
        return loop.state();
    }

    /**
     * Serves a chat request as the gateway's stream events. Invalid requests (unknown model, a prompt longer than
     * the context, {@code max_tokens} too large, invalid sampling values, a conversation the template rejects)
     * signal {@link InvalidRequestException} before any event.
     */
    public Flux<StreamEvent> chat(ChatCompletionRequest request) {
        return Flux.defer(() -> generate(prepareChat(request))).concatMapIterable(GenerationEvent::streamEvents);
    }

    /** Validates and tokenizes a chat request. */
    public PreparedRequest prepareChat(ChatCompletionRequest request) {
        return preparer.chat(request);
    }

    /** Validates and tokenizes a completions request. */
    public PreparedRequest prepareCompletion(CompletionRequest request) {
        return preparer.completion(request);
    }

    /** Queues a prepared request on subscription; cancelling the subscription cancels the sequence. */
    public Flux<GenerationEvent> generate(PreparedRequest request) {
        return Flux.<GenerationEvent>create(emitter -> submit(request, emitter), FluxSink.OverflowStrategy.BUFFER)
                .publishOn(Schedulers.parallel());
    }

    @Override
    public void close() {
        ready = false;
        loop.close();
        engine.close();
        encoder.close();
    }

    private void submit(PreparedRequest request, FluxSink<GenerationEvent> emitter) {
        long id = ids.incrementAndGet();
        GenerationSettings settings = request.settings();
        FluxSequenceSink sink = new FluxSequenceSink(emitter, vocabulary, settings);
        emitter.onCancel(() -> loop.cancel(id));
        try {
            loop.submit(new GenerationRequest(id, request.promptTokens(), settings.sampling(), request.maxTokens(),
                    settings.stop(), settings.ignoreEos(), settings.skipSpecialTokens(), settings.priority(), sink));
        } catch (IllegalStateException e) {
            emitter.error(e);
        }
    }

    /** Runs one short generation so the first caller does not pay for lazy initialisation. */
    private void warmUp(java.time.Duration timeout) {
        int first = model.bosTokenId().orElse(0);
        PreparedRequest warmup = new PreparedRequest(new int[] {first},
                new GenerationSettings(2, SamplingParams.GREEDY, List.of(), true, true, false, 0, 0),
                Math.min(2, contextLength() - 1));
        GenerationEvent last = generate(warmup).blockLast(timeout);
        if (!(last instanceof GenerationEvent.Finished)) {
            throw new IllegalStateException("warm-up generation failed: " + last);
        }
        ready = true;
    }

    /** How to start a runtime; everything but the model folder has a default. */
    public static final class Builder {
        private final Path modelFolder;
        private WorkerOptions options = WorkerOptions.DEFAULTS;
        private EngineFactory engines;
        private MeterRegistry meterRegistry;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator seeds = new SplittableRandom();

        private Builder(Path modelFolder) {
            this.modelFolder = modelFolder;
        }

        public Builder options(WorkerOptions options) {
            this.options = options;
            return this;
        }

        /** The engine to open; by default the one on the class path ({@link EngineFactory#discover()}). */
        public Builder engineFactory(EngineFactory engines) {
            this.engines = engines;
            return this;
        }

        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Where seeds of sampled requests without a {@code seed} come from. */
        public Builder seeds(RandomGenerator seeds) {
            this.seeds = seeds;
            return this;
        }

        /** Loads the model, starts the scheduler thread and warms up. Blocking. */
        public WorkerRuntime start() {
            Path folder = modelFolder.toAbsolutePath().normalize();
            String name = options.servedModelName() != null ? options.servedModelName()
                    : folder.getFileName().toString();
            TokenVocabulary vocabulary = TokenVocabulary.fromTokenizerJson(folder.resolve("tokenizer.json"));
            ModelFolder model = ModelFolder.read(folder, vocabulary);
            Optional<ChatTemplate> template = ChatTemplate.load(folder, clock);
            EngineFactory factory = engines != null ? engines : EngineFactory.discover();
            TextEncoder encoder = TextEncoder.open(folder.resolve("tokenizer.json"));
            InferenceEngine engine = null;
            SchedulerLoop loop = null;
            try {
                engine = factory.open(folder, options.engine());
                ModelInfo info = engine.info();
                if (info.vocabSize() < vocabulary.size()) {
                    log.warn("model {} has {} embedding rows but its tokenizer knows {} tokens", name,
                            info.vocabSize(), vocabulary.size());
                }
                MeterRegistry registry = meterRegistry != null ? meterRegistry : new SimpleMeterRegistry();
                SchedulerMetrics metrics = new SchedulerMetrics(registry, Tags.of("model", name), info.kvBlocks());
                Scheduler scheduler = new Scheduler(engine,
                        new SchedulerConfig(options.maxNumSeqs(), options.maxBatchedTokens()), vocabulary,
                        model.eosTokenIds(), metrics, clock);
                loop = new SchedulerLoop(scheduler, "streamgate-scheduler").start();
                WorkerRuntime runtime = new WorkerRuntime(this, name, model, vocabulary, encoder, template, engine,
                        loop);
                runtime.warmUp(options.warmupTimeout());
                log.info("serving {} ({}, backend {}, context {}, {} KV blocks of {} tokens)", name,
                        model.architecture(), info.backend(), runtime.contextLength(), info.kvBlocks(),
                        info.kvBlockSize());
                return runtime;
            } catch (RuntimeException e) {
                if (loop != null) {
                    loop.close();
                }
                if (engine != null) {
                    engine.close();
                }
                encoder.close();
                throw e;
            }
        }
    }
}
