package dev.streamgate.gateway.metering;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.R2dbcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes one batch of usage records with a single insert of one array per column ({@code unnest}). {@code on conflict (request_id) do nothing}
 * makes a batch safe to retry: records that made it the first time are not counted twice. A batch PostgreSQL refuses
 * for good (a data or integrity error, e.g. an unknown tenant) is split in halves until the refused records are
 * isolated; those go to {@code usage_dead_letters} with the reason, and the rest are written. Any other error
 * (connection lost, timeout) is returned to the caller, which retries the whole batch.
 */
public final class UsageRecordWriter {
    private static final Logger log = LoggerFactory.getLogger(UsageRecordWriter.class);
    private static final String INSERT = """
            insert into usage_records (request_id, tenant_id, key_id, model, deployment_id, prompt_tokens,
                completion_tokens, estimated, cost, status, finish_reason, ttft_ms, duration_ms, created_at)
            select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int4[], $7::int4[],
                $8::bool[], $9::numeric[], $10::text[], $11::text[], $12::int4[], $13::int4[], $14::timestamptz[])
            on conflict (request_id) do nothing""";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DatabaseClient db;

    public UsageRecordWriter(DatabaseClient db) {
        this.db = db;
    }

    /** What a batch did: rows inserted, records already present, records set aside as dead letters. */
    public record Outcome(long inserted, long duplicates, long deadLettered) {
        public static final Outcome NONE = new Outcome(0, 0, 0);

        Outcome plus(Outcome other) {
            return new Outcome(inserted + other.inserted, duplicates + other.duplicates,
                    deadLettered + other.deadLettered);
        }
    }

    public Mono<Outcome> write(List<UsageRecord> batch) {
        if (batch.isEmpty()) {
            return Mono.just(Outcome.NONE);
        }
        if (batch.size() > MeteringProperties.MAX_BATCH_SIZE) {
            int half = batch.size() / 2;
            return write(batch.subList(0, half))
                    .flatMap(first -> write(batch.subList(half, batch.size())).map(first::plus));
        }
        return insert(batch)
                .map(inserted -> new Outcome(inserted, batch.size() - inserted, 0))
                .onErrorResume(UsageRecordWriter::refusedForGood, e -> {
                    if (batch.size() == 1) {
                        return deadLetter(batch.getFirst(), e);
                    }
                    int half = batch.size() / 2;
                    return write(batch.subList(0, half))
                            .flatMap(first -> write(batch.subList(half, batch.size())).map(first::plus));
                });
    }

    private Mono<Long> insert(List<UsageRecord> batch) {
        int n = batch.size();
        String[] requestIds = new String[n];
        String[] tenantIds = new String[n];
        String[] keyIds = new String[n];
        String[] models = new String[n];
        String[] deploymentIds = new String[n];
        Integer[] promptTokens = new Integer[n];
        Integer[] completionTokens = new Integer[n];
        Boolean[] estimated = new Boolean[n];
        BigDecimal[] costs = new BigDecimal[n];
        String[] statuses = new String[n];
        String[] finishReasons = new String[n];
        Integer[] ttfts = new Integer[n];
        Integer[] durations = new Integer[n];
        OffsetDateTime[] createdAt = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            UsageRecord r = batch.get(i);
            requestIds[i] = r.requestId();
            tenantIds[i] = r.tenantId();
            keyIds[i] = r.keyId();
            models[i] = r.model();
            deploymentIds[i] = r.deploymentId();
            promptTokens[i] = r.promptTokens();
            completionTokens[i] = r.completionTokens();
            estimated[i] = r.estimated();
            costs[i] = r.cost();
            statuses[i] = r.status() == null ? null : status(r.status());
            finishReasons[i] = r.finishReason();
            ttfts[i] = millis(r.timeToFirstToken());
            durations[i] = millis(r.duration());
            createdAt[i] = r.createdAt() == null ? null : r.createdAt().atOffset(ZoneOffset.UTC);
        }
        // One statement text for every batch size, one array per column: the driver parses and the server plans
        // the same short statement each time, instead of a new one with 14 parameters per row (parsing that one
        // was the largest allocation on the request path's metering side).
        return db.sql(INSERT)
                .bind(0, requestIds).bind(1, tenantIds).bind(2, keyIds).bind(3, models).bind(4, deploymentIds)
                .bind(5, promptTokens).bind(6, completionTokens).bind(7, estimated).bind(8, costs)
                .bind(9, statuses).bind(10, finishReasons).bind(11, ttfts).bind(12, durations).bind(13, createdAt)
                .fetch().rowsUpdated();
    }

    private Mono<Outcome> deadLetter(UsageRecord record, Throwable reason) {
        log.error("Usage record {} refused by the database, kept in usage_dead_letters: {} ({})",
                record.requestId(), record, reason.getMessage());
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                insert into usage_dead_letters (request_id, tenant_id, record, error) values ($1, $2, $3, $4)
                on conflict (request_id) do nothing""");
        spec = bind(spec, 0, record.requestId(), String.class);
        spec = bind(spec, 1, record.tenantId(), String.class);
        return spec.bind(2, Json.of(JSON.writeValueAsString(toMap(record))))
                .bind(3, String.valueOf(reason.getMessage()))
                .fetch().rowsUpdated()
                .thenReturn(new Outcome(0, 0, 1));
    }

    /** SQLSTATE classes 22 (data exception) and 23 (integrity violation): retrying the same rows cannot help. */
    static boolean refusedForGood(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof R2dbcException r && r.getSqlState() != null
                    && (r.getSqlState().startsWith("22") || r.getSqlState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    static String status(UsageRecord.Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    private static Integer millis(Duration duration) {
        return duration == null ? null : (int) Math.min(Integer.MAX_VALUE, Math.max(0, duration.toMillis()));
    }

    private static <T> DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, int index,
                                                              T value, Class<T> type) {
        return value == null ? spec.bindNull(index, type) : spec.bind(index, value);
    }

    private static Map<String, Object> toMap(UsageRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", r.requestId());
        m.put("tenant_id", r.tenantId());
        m.put("key_id", r.keyId());
        m.put("model", r.model());
        m.put("deployment_id", r.deploymentId());
        m.put("prompt_tokens", r.promptTokens());
        m.put("completion_tokens", r.completionTokens());
        m.put("estimated", r.estimated());
        m.put("cost", r.cost() == null ? null : r.cost().toPlainString());
        m.put("status", r.status() == null ? null : status(r.status()));
        m.put("finish_reason", r.finishReason());
        m.put("ttft_ms", millis(r.timeToFirstToken()));
        m.put("duration_ms", millis(r.duration()));
        m.put("created_at", r.createdAt() == null ? null : r.createdAt().toString());
        return m;
    }
}
