package dev.streamgate.gateway.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

    private static final List<StreamEvent> INCOMPLETE = List.of(new StreamEvent.StreamError(502, "upstream_error",
            "upstream_incomplete", "The model's stream ended before it finished."));

    private final UsageSink usage;
    private final GenAiMetrics metrics;

    MeteredEvents(UsageSink usage, GenAiMetrics metrics) {
        this.usage = usage;
        this.metrics = metrics;
    }

    /**
     * The routed stream's events, in the groups the adapter received them in (never an empty one), metered as they
     * pass.
     */
    Flux<List<StreamEvent>> of(ChatCall call) {
        RequestMeter meter = call.meter();
        String model = call.chat().model();
        return call.routed().batches()
                .concatWith(Mono.fromSupplier(() -> INCOMPLETE).filter(incomplete -> !meter.ended()))
                // one operator per group does everything per event: metering, timings and the estimated usage
                .map(batch -> observe(meter, model, batch))
                .doOnSubscribe(s -> metrics.streamOpened())
                .doFinally(signal -> close(call, signal));
    }

    /** Meters each event; puts an estimated usage report in front of a finish that the upstream did not precede. */
    private List<StreamEvent> observe(RequestMeter meter, String model, List<StreamEvent> batch) {
        List<StreamEvent> out = batch;
        for (int i = 0; i < batch.size(); i++) {
            StreamEvent event = batch.get(i);
            if (event instanceof StreamEvent.Finish && !meter.hasReportedUsage()) {
                StreamEvent estimate = new StreamEvent.UsageReport(meter.estimatedUsage());
                observe(meter, model, estimate);
                out = new ArrayList<>(batch.size() + 1);
                out.addAll(batch.subList(0, i));
                out.add(estimate);
                out.addAll(batch.subList(i, batch.size()));
            }
            observe(meter, model, event);
        }
        return out;
    }

    private void observe(RequestMeter meter, String model, StreamEvent event) {
        if (meter.onEvent(event)) {
            metrics.timeToFirstToken(model, meter.timeToFirstToken());
        }
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
        Duration perToken = status == UsageRecord.Status.COMPLETED ? RequestMeter.timePerOutputToken(record) : null;
        if (perToken != null) {
            metrics.timePerOutputToken(model, perToken);
        }
        call.grant().complete(record.promptTokens() + (long) record.completionTokens())
                .subscribe(null, e -> {
                    try (var ignored = RequestLogContext.open(call.trace())) {
                        log.warn("Could not reconcile rate-limit tokens of {}: {}", record.requestId(), e.toString());
                    }
                });
    }
}
