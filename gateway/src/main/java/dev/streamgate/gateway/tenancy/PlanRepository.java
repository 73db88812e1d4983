package dev.streamgate.gateway.tenancy;

import java.util.Set;

import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Plans in the {@code plans} table. */
public final class PlanRepository {
    /** The plan columns under the names {@link #map} reads; queries alias {@code plans} as {@code p}. */
    static final String COLUMNS = "p.id as plan_id, p.name as plan_name, p.tenant_rpm, p.tenant_tpm, "
            + "p.tenant_concurrent, p.key_rpm, p.key_tpm, p.key_concurrent, p.allowed_models, p.priority";

    private static final String INSERT = """
            insert into plans (id, name, tenant_rpm, tenant_tpm, tenant_concurrent,
                               key_rpm, key_tpm, key_concurrent, allowed_models, priority)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""";

    private final DatabaseClient db;

    public PlanRepository(DatabaseClient db) {
        this.db = db;
    }

    public Flux<Plan> findAll() {
        return db.sql("select " + COLUMNS + " from plans p order by p.id").map(PlanRepository::map).all();
    }

    public Mono<Plan> find(String id) {
        return db.sql("select " + COLUMNS + " from plans p where p.id = $1").bind(0, id)
                .map(PlanRepository::map).one();
    }

    /** Fails with Spring's {@code DuplicateKeyException} when the id is taken. */
    public Mono<Plan> insert(Plan plan) {
        return bind(db.sql(INSERT), plan).fetch().rowsUpdated().thenReturn(plan);
    }

    /** Inserts the plan unless one with its id exists; true when it was inserted. */
    public Mono<Boolean> insertIfAbsent(Plan plan) {
        return bind(db.sql(INSERT + " on conflict (id) do nothing"), plan).fetch().rowsUpdated().map(n -> n > 0);
    }

    /** Replaces the stored plan; empty when there is none with that id. */
    public Mono<Plan> update(Plan plan) {
        return bind(db.sql("""
                        update plans set name = $2, tenant_rpm = $3, tenant_tpm = $4, tenant_concurrent = $5,
                                         key_rpm = $6, key_tpm = $7, key_concurrent = $8, allowed_models = $9,
                                         priority = $10, updated_at = now()
                        where id = $1"""), plan)
                .fetch().rowsUpdated()
                .flatMap(n -> n > 0 ? Mono.just(plan) : Mono.empty());
    }

    private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, Plan plan) {
        return spec.bind(0, plan.id()).bind(1, plan.name())
                .bind(2, plan.tenantLimits().requestsPerMinute())
                .bind(3, plan.tenantLimits().tokensPerMinute())
                .bind(4, plan.tenantLimits().concurrentStreams())
                .bind(5, plan.keyLimits().requestsPerMinute())
                .bind(6, plan.keyLimits().tokensPerMinute())
                .bind(7, plan.keyLimits().concurrentStreams())
                .bind(8, plan.allowedModels().stream().sorted().toArray(String[]::new))
                .bind(9, plan.priority());
    }

    static Plan map(Readable row) {
        String[] models = row.get("allowed_models", String[].class);
        return new Plan(row.get("plan_id", String.class), row.get("plan_name", String.class),
                new PlanLimits(row.get("tenant_rpm", Long.class), row.get("tenant_tpm", Long.class),
                        row.get("tenant_concurrent", Integer.class)),
                new PlanLimits(row.get("key_rpm", Long.class), row.get("key_tpm", Long.class),
                        row.get("key_concurrent", Integer.class)),
                models == null ? Set.of() : Set.of(models),
                row.get("priority", Integer.class));
    }
}
