package dev.streamgate.gateway.deployments;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.PoolSettings;
import dev.streamgate.config.UpstreamTimeouts;

/**
 * The parts of a deployment kept in the {@code settings} jsonb column, in the same snake_case shape the admin API
 * shows (durations in milliseconds). Every field may be null in a partial update; {@code over} fills the gaps from a
 * base.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentSettings(Pool pool, Timeouts timeouts, Map<String, String> options) {

    public static DeploymentSettings of(DeploymentConfig deployment) {
        return new DeploymentSettings(Pool.of(deployment.pool()), Timeouts.of(deployment.timeouts()),
                deployment.options());
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pool(@JsonProperty("max_connections") Integer maxConnections,
                       @JsonProperty("pending_acquire_max") Integer pendingAcquireMax,
                       @JsonProperty("pending_acquire_timeout_ms") Long pendingAcquireTimeoutMs,
                       @JsonProperty("max_idle_time_ms") Long maxIdleTimeMs) {

        public static Pool of(PoolSettings pool) {
            return new Pool(pool.maxConnections(), pool.pendingAcquireMax(),
                    pool.pendingAcquireTimeout().toMillis(), pool.maxIdleTime().toMillis());
        }

        /** Throws {@code ConfigException} naming the field when a value is out of range. */
        public PoolSettings over(PoolSettings base) {
            return new PoolSettings(or(maxConnections, base.maxConnections()),
                    or(pendingAcquireMax, base.pendingAcquireMax()),
                    millisOr(pendingAcquireTimeoutMs, base.pendingAcquireTimeout()),
                    millisOr(maxIdleTimeMs, base.maxIdleTime()));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Timeouts(@JsonProperty("connect_ms") Long connectMs,
                           @JsonProperty("first_token_ms") Long firstTokenMs,
                           @JsonProperty("between_chunks_ms") Long betweenChunksMs,
                           @JsonProperty("total_ms") Long totalMs) {

        public static Timeouts of(UpstreamTimeouts timeouts) {
            Function<Duration, Long> ms = Duration::toMillis;
            return new Timeouts(ms.apply(timeouts.connect()), ms.apply(timeouts.firstToken()),
                    ms.apply(timeouts.betweenChunks()), ms.apply(timeouts.total()));
        }

        /** Throws {@code ConfigException} naming the field when a value is out of range. */
        public UpstreamTimeouts over(UpstreamTimeouts base) {
            return new UpstreamTimeouts(millisOr(connectMs, base.connect()),
                    millisOr(firstTokenMs, base.firstToken()),
                    millisOr(betweenChunksMs, base.betweenChunks()),
                    millisOr(totalMs, base.total()));
        }
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static Duration millisOr(Long millis, Duration fallback) {
        return millis == null ? fallback : Duration.ofMillis(millis);
    }
}
