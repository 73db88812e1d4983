package dev.streamgate.gateway.tenancy;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Tenants in the {@code tenants} table, always read together with their plan. */
public final class TenantRepository {
    private static final String SELECT = "select t.id, t.name, t.disabled, " + PlanRepository.COLUMNS
            + " from tenants t join plans p on p.id = t.plan_id";

    private final DatabaseClient db;

    public TenantRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Tenant> find(String id) {
        return db.sql(SELECT + " where t.id = $1").bind(0, id).map(TenantRepository::map).one();
    }

    /** All tenants, or those on one plan when {@code planId} is not null. */
    public Flux<Tenant> findAll(String planId) {
        if (planId == null) {
            return db.sql(SELECT + " order by t.id").map(TenantRepository::map).all();
        }
        return db.sql(SELECT + " where t.plan_id = $1 order by t.id").bind(0, planId)
                .map(TenantRepository::map).all();
    }

    /**
     * Fails with Spring's {@code DuplicateKeyException} when the id is taken and with
     * {@code DataIntegrityViolationException} when the plan does not exist.
     */
    public Mono<Tenant> insert(String id, String name, String planId, boolean disabled) {
        return db.sql("insert into tenants (id, name, plan_id, disabled) values ($1, $2, $3, $4)")
                .bind(0, id).bind(1, name).bind(2, planId).bind(3, disabled)
                .fetch().rowsUpdated()
                .then(find(id));
    }

    /** Inserts the tenant unless one with its id exists; true when it was inserted. */
    public Mono<Boolean> insertIfAbsent(String id, String name, String planId) {
        return db.sql("insert into tenants (id, name, plan_id) values ($1, $2, $3) on conflict (id) do nothing")
                .bind(0, id).bind(1, name).bind(2, planId)
                .fetch().rowsUpdated()
                .map(n -> n > 0);
    }

    /** Replaces name, plan and disabled flag; empty when there is no such tenant. */
    public Mono<Tenant> update(String id, String name, String planId, boolean disabled) {
        return db.sql("""
                        update tenants set name = $2, plan_id = $3, disabled = $4, updated_at = now()
                        where id = $1""")
                .bind(0, id).bind(1, name).bind(2, planId).bind(3, disabled)
                .fetch().rowsUpdated()
                .flatMap(n -> n > 0 ? find(id) : Mono.empty());
    }

    private static Tenant map(Readable row) {
        return new Tenant(row.get("id", String.class), row.get("name", String.class), PlanRepository.map(row),
                Boolean.TRUE.equals(row.get("disabled", Boolean.class)));
    }
}
