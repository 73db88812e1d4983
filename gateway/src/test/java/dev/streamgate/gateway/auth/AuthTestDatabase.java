package dev.streamgate.gateway.auth;

import java.time.Duration;
import java.util.Set;

import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.tenancy.Tenant;
import dev.streamgate.gateway.tenancy.TenantDirectory;
import dev.streamgate.gateway.testsupport.TestPostgres;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import org.flywaydb.core.Flyway;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * A fresh, migrated PostgreSQL database for one test class, with a {@link TenantDirectory} that reads the V1
 * {@code tenants} and {@code plans} tables.
 */
public final class AuthTestDatabase implements TenantDirectory {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private final DatabaseClient db;

    public AuthTestDatabase() {
        TestPostgres.Database database = TestPostgres.newDatabase();
        Flyway.configure().dataSource(database.jdbcUrl(), database.user(), database.password())
                .locations("classpath:db/migration").load().migrate();
        var config = PostgresqlConnectionConfiguration.builder()
                .host(database.host()).port(database.port()).database(database.name()).username(database.user());
        if (!database.password().isEmpty()) {
            config.password(database.password());
        }
        this.db = DatabaseClient.create(new PostgresqlConnectionFactory(config.build()));
        db.sql("insert into plans (id, name, tenant_rpm, tenant_tpm, tenant_concurrent, key_rpm, key_tpm, "
                        + "key_concurrent) values ('basic', 'Basic', 60, 10000, 2, 30, 5000, 1)")
                .then().block(LIMIT);
    }

    public DatabaseClient client() {
        return db;
    }

    public void addTenant(String id, boolean disabled) {
        db.sql("insert into tenants (id, name, plan_id, disabled) values (:id, :name, 'basic', :disabled)")
                .bind("id", id).bind("name", "Tenant " + id).bind("disabled", disabled)
                .then().block(LIMIT);
    }

    public void setDisabled(String id, boolean disabled) {
        db.sql("update tenants set disabled = :disabled where id = :id")
                .bind("id", id).bind("disabled", disabled).then().block(LIMIT);
    }

    @Override
    public Mono<Tenant> find(String tenantId) {
        return db.sql("select t.id, t.name, t.disabled, p.id as plan_id, p.name as plan_name, p.tenant_rpm, "
                        + "p.tenant_tpm, p.tenant_concurrent, p.key_rpm, p.key_tpm, p.key_concurrent, "
                        + "p.allowed_models, p.priority from tenants t join plans p on p.id = t.plan_id "
                        + "where t.id = :id")
                .bind("id", tenantId)
                .map(row -> new Tenant(row.get("id", String.class), row.get("name", String.class),
                        new Plan(row.get("plan_id", String.class), row.get("plan_name", String.class),
                                new PlanLimits(row.get("tenant_rpm", Long.class), row.get("tenant_tpm", Long.class),
                                        row.get("tenant_concurrent", Integer.class)),
                                new PlanLimits(row.get("key_rpm", Long.class), row.get("key_tpm", Long.class),
                                        row.get("key_concurrent", Integer.class)),
                                Set.of(row.get("allowed_models", String[].class)),
                                row.get("priority", Integer.class)),
                        Boolean.TRUE.equals(row.get("disabled", Boolean.class))))
                .one();
    }
}
