package dev.streamgate.gateway.ratelimit;

import java.time.Duration;

/**
 * {@code streamgate.redis.*}: the Redis server and the Redisson client's connection settings. A small pool is
 * enough: every call is a short script or compare-and-swap, pipelined by Redisson on each connection. A plain
 * record (bound by {@link RateLimitConfiguration}): a value left out (null) takes the default the constructor sets.
 *
 * @param url                {@code redis://host:port} or {@code rediss://host:port}
 * @param commandTimeout     Redisson's own response timeout; keep it above {@code streamgate.ratelimit.redis-timeout}:
 *                           a call Redisson gives up on cannot be told apart from one that never landed
 * @param reconnectMaxDelay  the longest pause between reconnection attempts after Redis went away
 * @param pingInterval       how often idle connections are checked, so a dead server is noticed without traffic
 */
public record RedisConnectionProperties(
        String url,
        String username,
        String password,
        Duration connectTimeout,
        Duration commandTimeout,
        Integer poolSize,
        Integer minIdle,
        Duration reconnectMaxDelay,
        Duration pingInterval) {

    public RedisConnectionProperties {
        url = url != null ? url : "redis://127.0.0.1:6379";
        connectTimeout = connectTimeout != null ? connectTimeout : Duration.ofSeconds(1);
        commandTimeout = commandTimeout != null ? commandTimeout : Duration.ofSeconds(3);
        poolSize = poolSize != null ? poolSize : 8;
        minIdle = minIdle != null ? minIdle : 2;
        reconnectMaxDelay = reconnectMaxDelay != null ? reconnectMaxDelay : Duration.ofSeconds(2);
        pingInterval = pingInterval != null ? pingInterval : Duration.ofSeconds(5);
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
        return new RedisConnectionProperties(url, null, null, null, null, null, null, null, null);
    }

    @Override
    public String toString() {
        return "RedisConnectionProperties[url=" + url + ", username=" + username + ", password="
                + (password == null ? null : "******") + ", connectTimeout=" + connectTimeout + ", commandTimeout="
                + commandTimeout + ", poolSize=" + poolSize + ", minIdle=" + minIdle + ", reconnectMaxDelay="
                + reconnectMaxDelay + ", pingInterval=" + pingInterval + "]";
    }
}
