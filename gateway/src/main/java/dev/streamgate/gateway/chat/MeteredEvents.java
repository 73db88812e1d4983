package dev.streamgate.gateway.chat;

import java.time.Duration;

import dev.streamgate.adapters.spi.RequestLogContext;
import dev.streamgate.gateway.metering.UsageRecord;
import dev.streamgate.gateway.metering.UsageSink;
import dev.streamgate.gateway.observability.GenAiMetrics;
import dev.streamgate.streaming.StreamEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Wraps a routed stream so that every way it can end (finish, error, client cancel) produces exactly one usage
 * record and releases the admission grant once. When the upstream reports no usage, an estimated
 * {@link StreamEvent.UsageReport} is put before the finish, so clients that asked for usage always get it; when
 * it ends without a finish or an error event, an error event is added, so no response ends silently.
 */
@Component
class MeteredEvents {
    private static final Logger log = LoggerFactory.getLogger(MeteredEvents.class);

    private static final StreamEvent INCOMPLETE = new StreamEvent.StreamError(502, "upstream_error",
            "upstream_incomplete", "The model's stream ended before it finished.");

    private final UsageSink usage;
    private final GenAiMetrics metrics;

    MeteredEvents(UsageSink usage, GenAiMetrics metrics) {
        this.usage = usage;
        this.metrics = metrics;
    }

    Flux<StreamEvent> of(ChatCall call) {
        RequestMeter meter = call.meter();
        String model = call.chat().model();
        return call.routed().events()
                // a prefetch of 32: enough that requests upstream are batched, where the default sized a queue for
                // 256 events on every request
                .concatMapIterable(event -> event instanceof StreamEvent.Finish && !meter.hasReportedUsage()
                        ? java.util.List.of(new StreamEvent.UsageReport(meter.estimatedUsage()), event)
                        : java.util.List.of(event), 32)
                .concatWith(Mono.fromSupplier(() -> INCOMPLETE).filter(incomplete -> !meter.ended()))
                .doOnSubscribe(s -> metrics.streamOpened())
                .doOnNext(event -> {
                    Duration gap = meter.onEvent(event);
                    if (gap != null) {
                        metrics.timeBetweenTokens(model, gap);
                    } else if (isToken(event) && meter.timeToFirstToken() != null) {
                        metrics.timeToFirstToken(model, meter.timeToFirstToken());
                    }
                })
                .doFinally(signal -> close(call, signal));
    }

    private static boolean isToken(StreamEvent event) {
        return event instanceof StreamEvent.TextDelta || event instanceof StreamEvent.ToolCallDelta;
    }

    private void close(ChatCall call, SignalType signal) {
        RequestMeter meter = call.meter();
        call.routed().deployment().ifPresent(d -> meter.servedBy(d.id(), d.price()));
        UsageRecord.Status status = meter.finishedNormally() ? UsageRecord.Status.COMPLETED
                : signal == SignalType.CANCEL ? UsageRecord.Status.CANCELLED : UsageRecord.Status.FAILED;
        UsageRecord record = meter.close(status);
        if (record == null) {
            return;
        }
        metrics.streamClosed();
        usage.record(record);
        String model = record.model();
        metrics.tokens(model, record.promptTokens(), record.completionTokens());
        metrics.cost(model, record.cost().doubleValue());
        metrics.requestFinished(model, status.name().toLowerCase(java.util.Locale.ROOT),
                call.chat().stream(), record.duration());
        call.grant().complete(record.promptTokens() + (long) record.completionTokens())
                .subscribe(null, e -> {
                    try (var ignored = RequestLogContext.open(call.trace())) {
                        log.warn("Could not reconcile rate-limit tokens of {}: {}", record.requestId(), e.toString());
                    }
                });
    }
}
