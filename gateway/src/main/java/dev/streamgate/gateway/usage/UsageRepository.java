package dev.streamgate.gateway.usage;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;

/** Sums of {@code usage_records} per UTC day and model, for one tenant. */
public final class UsageRepository {
    private final DatabaseClient db;

    public UsageRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Days {@code from} to {@code to}, both included, ordered by day then model. */
    public Flux<DailyUsage> daily(String tenantId, LocalDate from, LocalDate to) {
        return db.sql("""
                        select (created_at at time zone 'UTC')::date as day, model, count(*) as requests,
                               sum(prompt_tokens) as prompt_tokens, sum(completion_tokens) as completion_tokens,
                               sum(cost) as cost
                        from usage_records
                        where tenant_id = $1 and created_at >= $2 and created_at < $3
                        group by day, model
                        order by day, model""")
                .bind(0, tenantId)
                .bind(1, from.atStartOfDay().toInstant(ZoneOffset.UTC))
                .bind(2, to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC))
                .map(row -> new DailyUsage(row.get("day", LocalDate.class), row.get("model", String.class),
                        row.get("requests", Long.class), row.get("prompt_tokens", Long.class),
                        row.get("completion_tokens", Long.class), row.get("cost", BigDecimal.class)))
                .all();
    }
}
