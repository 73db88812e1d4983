package dev.streamgate.gateway.chat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.streamgate.config.Price;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.metering.UsageRecord;
import dev.streamgate.streaming.CompletionTokenCounter;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.Usage;

/**
 * Watches one request's events and produces its single {@link UsageRecord}, whatever way the request ends
 * (finished, failed, cancelled by the client). The upstream's usage wins; without one the prompt estimate made
 * at admission and a count of the streamed text are billed, flagged as estimated. Events arrive serially (one
 * Reactor signal path); {@link #close} may race with them and is guarded to run once.
 */
final class RequestMeter {
    private final String requestId;
    private final Principal principal;
    private final String model;
    private final int promptEstimate;
    private final Clock clock;
    private final Instant start;
    private final CompletionTokenCounter counter = new CompletionTokenCounter();
    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile String deploymentId;
    private volatile Price price = Price.FREE;
    private volatile Usage reported;
    private volatile String finishReason;
    private volatile Instant firstToken;
    private volatile boolean failed;

    RequestMeter(String requestId, Principal principal, String model, int promptEstimate, Clock clock) {
        this.requestId = requestId;
        this.principal = principal;
        this.model = model;
        this.promptEstimate = promptEstimate;
        this.clock = clock;
        this.start = clock.instant();
    }

    String requestId() {
        return requestId;
    }

    Instant start() {
        return start;
    }

    void servedBy(String deploymentId, Price price) {
        this.deploymentId = deploymentId;
        this.price = price;
    }

    /**
     * Counts an event; returns true when it is the request's first token. Only the first token's time is read:
     * {@link #timePerOutputToken} is worked out once, at the end.
     */
    boolean onEvent(StreamEvent event) {
        counter.accept(event);
        switch (event) {
            case StreamEvent.TextDelta ignored -> {
                return tokenArrived();
            }
            case StreamEvent.ToolCallDelta ignored -> {
                return tokenArrived();
            }
            case StreamEvent.UsageReport usage -> reported = usage.usage();
            case StreamEvent.Finish finish -> finishReason = finish.reason().wireName();
            case StreamEvent.StreamError ignored -> failed = true;
        }
        return false;
    }

    private boolean tokenArrived() {
        if (firstToken != null) {
            return false;
        }
        firstToken = clock.instant();
        return true;
    }

    Duration timeToFirstToken() {
        Instant first = firstToken;
        return first == null ? null : Duration.between(start, first);
    }

    /**
     * OpenTelemetry's {@code gen_ai.server.time_per_output_token} of a finished request: the time from its first
     * token to its end over the tokens after the first; null without at least two tokens.
     */
    static Duration timePerOutputToken(UsageRecord record) {
        if (record.timeToFirstToken() == null || record.completionTokens() < 2) {
            return null;
        }
        Duration afterFirst = record.duration().minus(record.timeToFirstToken());
        return afterFirst.isNegative() ? null : afterFirst.dividedBy(record.completionTokens() - 1);
    }

    boolean hasReportedUsage() {
        return reported != null;
    }

    /** What to bill when the upstream reports no usage: the admission estimate and a count of the text. */
    Usage estimatedUsage() {
        return counter.estimatedUsage(promptEstimate);
    }

    /** Whether the stream carried its end: a finish or an error event. */
    boolean ended() {
        return finishReason != null || failed;
    }

    boolean finishedNormally() {
        return finishReason != null;
    }

    /** The request's usage record, the first time only; null on later calls. */
    UsageRecord close(UsageRecord.Status status) {
        if (!closed.compareAndSet(false, true)) {
            return null;
        }
        Usage usage = reported != null ? reported : counter.estimatedUsage(promptEstimate);
        BigDecimal cost = price.cost(usage.promptTokens(), usage.completionTokens());
        Instant end = clock.instant();
        return new UsageRecord(requestId, principal.tenantId(), principal.keyId(), model, deploymentId,
                usage.promptTokens(), usage.completionTokens(), usage.estimated(), cost, status,
                finishReason, timeToFirstToken(), Duration.between(start, end), end);
    }
}
