package dev.streamgate.gateway.auth.apikey;

import java.time.Instant;
import java.util.Arrays;
import java.util.Set;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code api_keys} table, over R2DBC. */
public final class ApiKeyRepository {
    private static final String COLUMNS =
            "id, tenant_id, prefix, secret_hash, name, scopes, expires_at, revoked_at, created_at";

    private final DatabaseClient db;

    public ApiKeyRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<StoredApiKey> findByPrefix(String prefix) {
        return db.sql("select " + COLUMNS + " from api_keys where prefix = :prefix")
                .bind("prefix", prefix)
                .map(ApiKeyRepository::read)
                .one();
    }

    public Mono<ApiKey> findById(String id) {
        return db.sql("select " + COLUMNS + " from api_keys where id = :id")
                .bind("id", id)
                .map(row -> read(row).key())
                .one();
    }

    public Flux<ApiKey> findByTenant(String tenantId) {
        return db.sql("select " + COLUMNS + " from api_keys where tenant_id = :tenant order by created_at, id")
                .bind("tenant", tenantId)
                .map(row -> read(row).key())
                .all();
    }

    public Mono<Void> insert(StoredApiKey stored) {
        return insertSql(stored, "").then();
    }

    /**
     * Inserts the key unless one with its prefix exists; either way returns the row now stored under that prefix,
     * so callers can check that it is theirs.
     */
    public Mono<StoredApiKey> insertIfPrefixAbsent(StoredApiKey stored) {
        return insertSql(stored, " on conflict (prefix) do nothing").then(findByPrefix(stored.key().prefix()));
    }

    /** Marks the key revoked at {@code at}, keeping an earlier revocation time; empty when there is no such key. */
    public Mono<ApiKey> revoke(String id, Instant at) {
        return db.sql("update api_keys set revoked_at = coalesce(revoked_at, :at) where id = :id returning " + COLUMNS)
                .bind("id", id)
                .bind("at", at)
                .map(row -> read(row).key())
                .one();
    }

    private Mono<Long> insertSql(StoredApiKey stored, String suffix) {
        ApiKey key = stored.key();
        var spec = db.sql("insert into api_keys (" + COLUMNS + ") values "
                        + "(:id, :tenant, :prefix, :hash, :name, :scopes, :expires, :revoked, :created)" + suffix)
                .bind("id", key.id())
                .bind("tenant", key.tenantId())
                .bind("prefix", key.prefix())
                .bind("hash", stored.secretHash())
                .bind("name", key.name())
                .bind("scopes", key.scopes().stream().sorted().toArray(String[]::new))
                .bind("created", key.createdAt());
        spec = key.expiresAt() == null ? spec.bindNull("expires", Instant.class) : spec.bind("expires", key.expiresAt());
        spec = key.revokedAt() == null ? spec.bindNull("revoked", Instant.class) : spec.bind("revoked", key.revokedAt());
        return spec.fetch().rowsUpdated();
    }

    private static StoredApiKey read(Readable row) {
        String[] scopes = row.get("scopes", String[].class);
        var key = new ApiKey(
                row.get("id", String.class),
                row.get("tenant_id", String.class),
                row.get("prefix", String.class),
                row.get("name", String.class),
                scopes == null ? Set.of() : Set.copyOf(Arrays.asList(scopes)),
                row.get("expires_at", Instant.class),
                row.get("revoked_at", Instant.class),
                row.get("created_at", Instant.class));
        return new StoredApiKey(key, row.get("secret_hash", byte[].class));
    }
}
