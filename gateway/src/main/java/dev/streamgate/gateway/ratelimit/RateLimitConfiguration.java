package dev.streamgate.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.EqualJitterDelay;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The {@link Admission} bean: local buckets ({@code streamgate.ratelimit.backend=local}, the default) or Redis
 * buckets behind the configured failure policy ({@code backend=redis}, which also creates the
 * {@link RedissonClient} unless the application provides one). Uses the application's {@link Clock} and
 * {@link MeterRegistry} beans when there are any.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({RateLimitProperties.class, RedisConnectionProperties.class})
public class RateLimitConfiguration {

    @Bean(destroyMethod = "shutdown")
    @ConditionalOnProperty(prefix = "streamgate.ratelimit", name = "backend", havingValue = "redis")
    @ConditionalOnMissingBean
    RedissonClient redissonClient(RedisConnectionProperties redis) {
        return Redisson.create(redissonConfig(redis));
    }

    @Bean
    @ConditionalOnMissingBean
    Admission admission(RateLimitProperties properties, ObjectProvider<RedissonClient> redisson,
                        ObjectProvider<MeterRegistry> registry, ObjectProvider<Clock> clock) {
        RedissonClient client = properties.backend() == RateLimitProperties.Backend.REDIS ? redisson.getObject() : null;
        return createAdmission(properties, client, clock.getIfAvailable(Clock::systemUTC), Schedulers.parallel(),
                registry.getIfAvailable(() -> Metrics.globalRegistry));
    }

    /**
     * Redisson for short calls on a request path: connects lazily (the gateway starts while Redis is down; the
     * failure policy covers it), never retries a command itself (the caller's timeout is the budget), reconnects
     * quickly once Redis is back, and runs few threads.
     */
    static Config redissonConfig(RedisConnectionProperties redis) {
        Config config = new Config()
                .setLazyInitialization(true)
                .setUseScriptCache(true)
                .setNettyThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setThreads(2)
                .setUsername(redis.username())
                .setPassword(redis.password());
        config.useSingleServer()
                .setAddress(redis.url())
                .setConnectTimeout(millis(redis.connectTimeout()))
                .setTimeout(millis(redis.commandTimeout()))
                .setRetryAttempts(0)
                .setConnectionPoolSize(redis.poolSize())
                .setConnectionMinimumIdleSize(redis.minIdle())
                .setSubscriptionConnectionPoolSize(1)
                .setSubscriptionConnectionMinimumIdleSize(0)
                .setPingConnectionInterval(millis(redis.pingInterval()))
                .setReconnectionDelay(new EqualJitterDelay(Duration.ofMillis(50), redis.reconnectMaxDelay()));
        return config;
    }

    /** The admission {@code properties} describe; {@code redisson} is needed for the redis backend only. */
    static Admission createAdmission(RateLimitProperties properties, RedissonClient redisson, Clock clock,
                                     Scheduler scheduler, MeterRegistry registry) {
        RateLimitMetrics metrics = new RateLimitMetrics(registry);
        if (properties.backend() == RateLimitProperties.Backend.LOCAL) {
            return new TokenBucketAdmission(new LocalLimitStore(clock, scheduler), properties, scheduler, metrics);
        }
        TokenBucketAdmission shared = new TokenBucketAdmission(new RedisLimitStore(redisson, clock,
                properties.redisTimeout(), properties.streamLease(), scheduler), properties, scheduler, metrics);
        TokenBucketAdmission local = properties.redisFailurePolicy() == RateLimitProperties.RedisFailurePolicy.LOCAL
                ? new TokenBucketAdmission(new LocalLimitStore(clock, scheduler), properties, scheduler, metrics)
                : null;
        return new RedisFailoverAdmission(shared, local, properties, clock, metrics);
    }

    private static int millis(Duration duration) {
        return Math.toIntExact(duration.toMillis());
    }
}
