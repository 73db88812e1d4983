package dev.streamgate.gateway.ratelimit;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.random.RandomGenerator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.EqualJitterDelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The {@link Admission} bean: local buckets ({@code streamgate.ratelimit.backend=local}, the default) or Redis
 * buckets behind the configured failure policy ({@code backend=redis}, which also creates the
 * {@link RedissonClient} unless the application provides one). Uses the application's {@link Clock} and
 * {@link MeterRegistry} beans when there are any.
 */
@Configuration(proxyBeanMethods = false)
public class RateLimitConfiguration {
    private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);

    /** Bound here, so that the admission classes and their settings know nothing of Spring. */
    @Bean
    RateLimitProperties rateLimitProperties(Environment environment) {
        return Binder.get(environment).bindOrCreate("streamgate.ratelimit", RateLimitProperties.class);
    }

    @Bean
    RedisConnectionProperties redisConnectionProperties(Environment environment) {
        return Binder.get(environment).bindOrCreate("streamgate.redis", RedisConnectionProperties.class);
    }

    @Bean(destroyMethod = "shutdown")
    @ConditionalOnProperty(prefix = "streamgate.ratelimit", name = "backend", havingValue = "redis")
    @ConditionalOnMissingBean
    RedissonClient redissonClient(RedisConnectionProperties redis) {
        return Redisson.create(redissonConfig(redis));
    }

    @Bean
    @ConditionalOnMissingBean
    Admission admission(RateLimitProperties properties, ObjectProvider<RedissonClient> redisson,
                        ObjectProvider<MeterRegistry> registry, ObjectProvider<Clock> clock,
                        ObjectProvider<RandomGenerator> random) {
        RedissonClient client = properties.backend() == RateLimitProperties.Backend.REDIS ? redisson.getObject() : null;
        RandomGenerator ids = random.getIfUnique(SecureRandom::new);
        return createAdmission(properties, client, clock.getIfAvailable(Clock::systemUTC), Schedulers.parallel(),
                registry.getIfAvailable(() -> Metrics.globalRegistry), instanceId(ids));
    }

    /**
     * Warms the Redis admission up before the instance reports ready: Spring Boot runs application runners
     * before it publishes {@code ReadinessState.ACCEPTING_TRAFFIC} ({@code /actuator/health/readiness}), so a
     * load balancer sends no traffic to a cold client. Redis that does not answer delays readiness by at most
     * {@code redis-warm-up-timeout} and does not stop the start: the failure policy answers until Redis does.
     */
    @Bean
    @ConditionalOnProperty(prefix = "streamgate.ratelimit", name = "backend", havingValue = "redis")
    ApplicationRunner rateLimitWarmUp(Admission admission, RateLimitProperties properties) {
        return arguments -> {
            if (!(admission instanceof RedisFailoverAdmission redis)) {
                return;
            }
            Duration patience = properties.redisWarmUpTimeout();
            try {
                redis.warmUp(patience).block(patience.plusSeconds(1));
                log.info("Rate limits: Redis connections and scripts warmed up");
            } catch (RuntimeException e) {
                // Not fatal by design: starting while Redis is down is supported, and logged here once.
                log.warn("Rate limits: Redis did not answer the warm-up within {} ms; admissions follow the '{}' "
                        + "failure policy until it answers. Cause: {}", patience.toMillis(),
                        properties.redisFailurePolicy().name().toLowerCase(Locale.ROOT), e.toString());
            }
        };
    }

    /** This instance's part of every lease id: unique among the instances sharing a Redis. */
    static String instanceId(RandomGenerator random) {
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
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

    /**
     * The admission {@code properties} describe; {@code redisson} is needed for the redis backend only.
     * {@code scheduler} runs sweepers and lease renewals; Redis call timeouts run on {@link Schedulers#parallel()}.
     */
    static Admission createAdmission(RateLimitProperties properties, RedissonClient redisson, Clock clock,
                                     Scheduler scheduler, MeterRegistry registry, String instanceId) {
        RateLimitMetrics metrics = new RateLimitMetrics(registry);
        if (properties.backend() == RateLimitProperties.Backend.LOCAL) {
            return new TokenBucketAdmission(new LocalLimitStore(clock, scheduler), properties, clock, scheduler,
                    metrics, instanceId);
        }
        RedisLimitStore store = new RedisLimitStore(redisson, clock, properties.redisTimeout(),
                properties.streamLease(), scheduler, Schedulers.parallel(), metrics, properties.outageLogInterval());
        TokenBucketAdmission shared = new TokenBucketAdmission(store, properties, clock, scheduler, metrics,
                instanceId);
        TokenBucketAdmission local = properties.redisFailurePolicy() == RateLimitProperties.RedisFailurePolicy.LOCAL
                ? new TokenBucketAdmission(new LocalLimitStore(clock, scheduler), properties, clock, scheduler,
                        metrics, instanceId)
                : null;
        return new RedisFailoverAdmission(shared, local, properties, clock, metrics, instanceId);
    }

    private static int millis(Duration duration) {
        return Math.toIntExact(duration.toMillis());
    }
}
