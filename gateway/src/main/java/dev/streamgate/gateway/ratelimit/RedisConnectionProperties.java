package dev.streamgate.gateway.ratelimit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code streamgate.redis.*}: the Redis server and the Redisson client's connection settings. A small pool is
 * enough: every call is a short script or compare-and-swap, pipelined by Redisson on each connection.
 *
 * @param url                {@code redis://host:port} or {@code rediss://host:port}
 * @param commandTimeout     Redisson's own response timeout; rate limits wait less ({@code streamgate.ratelimit.redis-timeout})
 * @param reconnectMaxDelay  the longest pause between reconnection attempts after Redis went away
 * @param pingInterval       how often idle connections are checked, so a dead server is noticed without traffic
 */
@ConfigurationProperties("streamgate.redis")
public record RedisConnectionProperties(
        @DefaultValue("redis://127.0.0.1:6379") String url,
        String username,
        String password,
        @DefaultValue("1s") Duration connectTimeout,
        @DefaultValue("1s") Duration commandTimeout,
        @DefaultValue("8") int poolSize,
        @DefaultValue("2") int minIdle,
        @DefaultValue("2s") Duration reconnectMaxDelay,
        @DefaultValue("5s") Duration pingInterval) {

    public RedisConnectionProperties {
        if (url == null || !(url.startsWith("redis://") || url.startsWith("rediss://"))) {
            throw new IllegalArgumentException("streamgate.redis.url must be redis://host:port or rediss://host:port, was " + url);
        }
        if (poolSize < 1 || minIdle < 0 || minIdle > poolSize) {
            throw new IllegalArgumentException("streamgate.redis.pool-size must be positive and min-idle between 0 and it, were "
                    + poolSize + " and " + minIdle);
        }
    }

    /** Defaults for {@code url}. */
    public static RedisConnectionProperties of(String url) {
        return new RedisConnectionProperties(url, null, null, Duration.ofSeconds(1), Duration.ofSeconds(1), 8, 2,
                Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return "RedisConnectionProperties[url=" + url + ", username=" + username + ", password="
                + (password == null ? null : "******") + ", connectTimeout=" + connectTimeout + ", commandTimeout="
                + commandTimeout + ", poolSize=" + poolSize + ", minIdle=" + minIdle + ", reconnectMaxDelay="
                + reconnectMaxDelay + ", pingInterval=" + pingInterval + "]";
    }
}
