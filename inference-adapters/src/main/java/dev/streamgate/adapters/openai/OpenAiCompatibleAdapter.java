package dev.streamgate.adapters.openai;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.PoolSettings;
import dev.streamgate.streaming.StreamEvent;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deployment that speaks OpenAI's streaming chat completions API: OpenAI itself, vLLM, TGI, Ollama, the
 * llama.cpp server. Each adapter owns one named Reactor Netty connection pool, so that a slow or saturated
 * upstream exhausts only its own connections.
 *
 * <p>The upstream is asked the way the client asked: a streaming request streams, a single-response request
 * gets one {@code chat.completion} (decoded whole, far cheaper than a chunk per token). Timeouts (see
 * {@link dev.streamgate.config.UpstreamTimeouts}): connect; first chunk after subscription (which includes
 * waiting for a pooled connection; for a single response, the whole answer, bounded by the total timeout only);
 * the longest silence between two chunks; and the whole exchange. Closing the connection, as a client that leaves
 * does, stops generation either way. A failure
 * before the first event is an {@link dev.streamgate.adapters.spi.UpstreamException} the router may retry; after
 * it, the stream ends with a {@link StreamEvent.StreamError} (status 502, type {@code upstream_error}).
 *
 * <p>Options: {@code streamUsage=false} stops asking for {@code stream_options.include_usage}, for servers that
 * reject the field.
 */
public final class OpenAiCompatibleAdapter implements InferenceAdapter {
    public static final String OPTION_STREAM_USAGE = "streamUsage";
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final String TRACEPARENT_HEADER = "traceparent";
    private static final int BATCH_PREFETCH = 4;
    private static final Logger log = LoggerFactory.getLogger(OpenAiCompatibleAdapter.class);
    private static final JsonMapper JSON = JsonMapper.shared();
    private static final Duration MIN_EVICTION_INTERVAL = Duration.ofSeconds(1);

    private final DeploymentConfig deployment;
    private final ConnectionProvider pool;
    private final HttpClient client;
    /** A parsed URI: Reactor Netty matches a URI given as a string against regular expressions on every call. */
    private final URI chatCompletionsUri;
    private final boolean streamUsage;
    private final Clock clock;
    private final Scheduler timer;

    public OpenAiCompatibleAdapter(DeploymentConfig deployment) {
        this(deployment, Clock.systemUTC(), Schedulers.parallel());
    }

    /**
     * @param clock turns {@code Retry-After} dates into delays
     * @param timer runs the first-chunk, between-chunks and total timers
     */
    public OpenAiCompatibleAdapter(DeploymentConfig deployment, Clock clock, Scheduler timer) {
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timer = Objects.requireNonNull(timer, "timer");
        if (deployment.baseUrl() == null) {
            throw new ConfigException("deployment.baseUrl is required for OpenAI-compatible deployment "
                    + deployment.id());
        }
        String scheme = deployment.baseUrl().getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new ConfigException("deployment.baseUrl of " + deployment.id() + " must be http(s), was "
                    + deployment.baseUrl());
        }
        String base = deployment.baseUrl().toString();
        this.chatCompletionsUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + "/chat/completions");
        this.streamUsage = parseBoolean(deployment.option(OPTION_STREAM_USAGE, "true"), OPTION_STREAM_USAGE);
        this.pool = newPool(deployment.id(), deployment.pool());
        this.client = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, saturatedMillis(deployment.timeouts().connect()))
                .headers(headers -> {
                    headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
                    headers.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.TEXT_EVENT_STREAM);
                    if (deployment.apiKey() != null && !deployment.apiKey().isBlank()) {
                        headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + deployment.apiKey());
                    }
                });
    }

    @Override
    public String deploymentId() {
        return deployment.id();
    }

    @Override
    public Flux<StreamEvent> stream(InferenceRequest request) {
        return batches(request).concatMapIterable(batch -> batch, BATCH_PREFETCH);
    }

    /**
     * The events of each network read that completed at least one SSE message, as one group (for a request that
     * does not stream, the whole answer).
     */
    @Override
    public Flux<List<StreamEvent>> batches(InferenceRequest request) {
        Objects.requireNonNull(request, "request");
        return Flux.defer(() -> {
            UpstreamCall call = new UpstreamCall(deployment, request, streamUsage, JSON, clock, timer);
            return client.post()
                    .uri(chatCompletionsUri)
                    .send((httpRequest, outbound) -> {
                        if (request.requestId() != null) {
                            httpRequest.header(REQUEST_ID_HEADER, request.requestId());
                        }
                        if (request.trace() != null) {
                            // W3C Trace Context: the upstream continues the gateway's trace
                            httpRequest.header(TRACEPARENT_HEADER, request.trace().header());
                        }
                        return outbound.send(call.body(outbound.alloc()));
                    })
                    .responseConnection(call::read)
                    .takeUntilOther(call.expiry())
                    .concatWith(Flux.defer(call::timedOutIfExpired))
                    .map(call::relay)
                    .onErrorResume(call::onFailure)
                    .doFinally(call::onTerminated);
        });
    }

    /** Disposes the connection pool; streams still running on it are cut. */
    @Override
    public void close() {
        pool.disposeLater().subscribe(null,
                error -> log.warn("closing the connection pool of {} failed", deployment.id(), error));
    }

    private static ConnectionProvider newPool(String deploymentId, PoolSettings settings) {
        Duration evictionInterval = settings.maxIdleTime().dividedBy(2);
        return ConnectionProvider.builder("streamgate-upstream-" + deploymentId)
                .maxConnections(settings.maxConnections())
                .pendingAcquireMaxCount(settings.pendingAcquireMax())
                .pendingAcquireTimeout(settings.pendingAcquireTimeout())
                .maxIdleTime(settings.maxIdleTime())
                .evictInBackground(evictionInterval.compareTo(MIN_EVICTION_INTERVAL) < 0
                        ? MIN_EVICTION_INTERVAL : evictionInterval)
                .build();
    }

    private static int saturatedMillis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    private static boolean parseBoolean(String value, String option) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException("deployment option " + option + " must be true or false, was "
                    + value);
        };
    }
}
