package dev.streamgate.gateway.deployments;

import java.math.BigDecimal;
import java.net.URI;
import java.util.Locale;

import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.PoolSettings;
import dev.streamgate.config.Price;
import dev.streamgate.config.ProviderKind;
import dev.streamgate.config.UpstreamTimeouts;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Deployments in the {@code model_deployments} table; pool, timeouts and options live in its {@code settings}. */
public final class DeploymentRepository {
    private static final String COLUMNS = "id, model, provider, base_url, api_key, upstream_model, weight, "
            + "input_price_per_million, output_price_per_million, settings, enabled";
    // A private mapper: the stored format must not change when the application's JSON settings do.
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DatabaseClient db;

    public DeploymentRepository(DatabaseClient db) {
        this.db = db;
    }

    public Flux<StoredDeployment> findAll() {
        return db.sql("select " + COLUMNS + " from model_deployments order by id")
                .map(DeploymentRepository::map).all();
    }

    public Mono<StoredDeployment> find(String id) {
        return db.sql("select " + COLUMNS + " from model_deployments where id = $1").bind(0, id)
                .map(DeploymentRepository::map).one();
    }

    /** Fails with Spring's {@code DuplicateKeyException} when the id is taken. */
    public Mono<StoredDeployment> insert(StoredDeployment deployment) {
        return bind(db.sql("""
                        insert into model_deployments (id, model, provider, base_url, api_key, upstream_model, weight,
                            input_price_per_million, output_price_per_million, settings, enabled)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"""), deployment)
                .fetch().rowsUpdated()
                .thenReturn(deployment);
    }

    /** Replaces the stored deployment; empty when there is none with that id. */
    public Mono<StoredDeployment> update(StoredDeployment deployment) {
        return bind(db.sql("""
                        update model_deployments set model = $2, provider = $3, base_url = $4, api_key = $5,
                            upstream_model = $6, weight = $7, input_price_per_million = $8,
                            output_price_per_million = $9, settings = $10, enabled = $11, updated_at = now()
                        where id = $1"""), deployment)
                .fetch().rowsUpdated()
                .flatMap(n -> n > 0 ? Mono.just(deployment) : Mono.empty());
    }

    /** True when a deployment was deleted. */
    public Mono<Boolean> delete(String id) {
        return db.sql("delete from model_deployments where id = $1").bind(0, id)
                .fetch().rowsUpdated().map(n -> n > 0);
    }

    /**
     * A digest of the whole table. It changes with every insert, update and delete, which an {@code updated_at}
     * watermark cannot promise: deletes leave no row behind, and {@code now()} is the transaction's start, so a
     * slow transaction can commit a row older than a watermark already read.
     */
    public Mono<String> fingerprint() {
        return db.sql("select md5(coalesce(string_agg(d::text, ',' order by d.id), '')) as digest "
                        + "from model_deployments d")
                .map(row -> row.get("digest", String.class)).one();
    }

    private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec,
                                                          StoredDeployment stored) {
        DeploymentConfig d = stored.config();
        spec = spec.bind(0, d.id()).bind(1, d.model()).bind(2, d.provider().name().toLowerCase(Locale.ROOT));
        spec = d.baseUrl() == null ? spec.bindNull(3, String.class) : spec.bind(3, d.baseUrl().toString());
        spec = d.apiKey() == null ? spec.bindNull(4, String.class) : spec.bind(4, d.apiKey());
        return spec.bind(5, d.upstreamModel()).bind(6, d.weight())
                .bind(7, d.price().inputPerMillion()).bind(8, d.price().outputPerMillion())
                .bind(9, Json.of(JSON.writeValueAsString(DeploymentSettings.of(d))))
                .bind(10, stored.enabled());
    }

    private static StoredDeployment map(Readable row) {
        Json json = row.get("settings", Json.class);
        DeploymentSettings settings = json == null ? new DeploymentSettings(null, null, null)
                : JSON.readValue(json.asString(), DeploymentSettings.class);
        String baseUrl = row.get("base_url", String.class);
        DeploymentConfig config = new DeploymentConfig(
                row.get("id", String.class),
                row.get("model", String.class),
                ProviderKind.valueOf(row.get("provider", String.class).toUpperCase(Locale.ROOT)),
                baseUrl == null ? null : URI.create(baseUrl),
                row.get("api_key", String.class),
                row.get("upstream_model", String.class),
                row.get("weight", Integer.class),
                new Price(row.get("input_price_per_million", BigDecimal.class),
                        row.get("output_price_per_million", BigDecimal.class)),
                settings.pool() == null ? PoolSettings.DEFAULT : settings.pool().over(PoolSettings.DEFAULT),
                settings.timeouts() == null ? UpstreamTimeouts.DEFAULT
                        : settings.timeouts().over(UpstreamTimeouts.DEFAULT),
                settings.options());
        return new StoredDeployment(config, Boolean.TRUE.equals(row.get("enabled", Boolean.class)));
    }
}
