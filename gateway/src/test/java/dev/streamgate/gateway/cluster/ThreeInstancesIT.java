package dev.streamgate.gateway.cluster;

import static dev.streamgate.gateway.testsupport.RedisBackedInstance.baseUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamgate.gateway.testsupport.GatewayAdmin;
import dev.streamgate.gateway.testsupport.GatewayAdmin.Limits;
import dev.streamgate.gateway.testsupport.RedisBackedInstance;
import dev.streamgate.gateway.testsupport.TestPostgres;
import dev.streamgate.gateway.testsupport.TestRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Three gateway instances started cold on one Redis and hit at once: together they admit what one instance would
 * (a per-minute limit, +2 %; exactly a concurrent-stream limit), and none of them fell back to its per-instance
 * buckets, which is what over-admitted when a cold client's first calls were slow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreeInstancesIT {
    private static final String ADMIN_KEY = "sg-admin-three-instances-it-0123456789";
    private static final int REQUESTS_PER_MINUTE = 60;
    private static final int STREAMS = 6;
    /** Ten words, one every 300 ms: each stream stays open about 3 s, longer than opening all of them takes. */
    private static final String TEN_WORDS = "one two three four five six seven eight nine ten";

    private List<ConfigurableApplicationContext> instances;
    private List<WebClient> clients;
    private GatewayAdmin admin;

    @BeforeAll
    void start() {
        TestPostgres.Database db = TestPostgres.newDatabase();
        String prefix = TestRedis.uniquePrefix();
        instances = List.of(instance(db, prefix), instance(db, prefix), instance(db, prefix));
        clients = instances.stream().map(instance -> WebClient.create(baseUrl(instance))).toList();
        admin = new GatewayAdmin(WebTestClient.bindToServer().baseUrl(baseUrl(instances.getFirst())).build(),
                ADMIN_KEY);
    }

    @AfterAll
    void stop() {
        if (instances != null) {
            instances.forEach(ConfigurableApplicationContext::close);
        }
    }

    private static ConfigurableApplicationContext instance(TestPostgres.Database db, String redisPrefix) {
        return RedisBackedInstance.start(db, redisPrefix, ADMIN_KEY,
                // Under test is sharing from a cold start (warm-up before readiness, nothing leaked or
                // double-counted). On a test machine several times oversubscribed, answers slower than the 1 s
                // default are slowness, not an outage (the failure policy is RedisFailoverIT's).
                "--streamgate.ratelimit.redis-timeout=5s",
                "--streamgate.redis.command-timeout=10s",
                "--streamgate.deployments[0].id=echo",
                "--streamgate.deployments[0].model=echo",
                "--streamgate.deployments[0].provider=echo",
                "--streamgate.deployments[1].id=slow-echo",
                "--streamgate.deployments[1].model=slow-echo",
                "--streamgate.deployments[1].provider=echo",
                "--streamgate.deployments[1].options.tokenDelayMs=300");
    }

    private static Mono<Integer> chat(WebClient client, String key, String model, boolean stream) {
        return client.post().uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", model, "max_tokens", 16, "stream", stream,
                        "messages", List.of(Map.of("role", "user", "content", TEN_WORDS))))
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()));
    }

    @Test
    void togetherTheyAdmitAtMostThePerMinuteLimit() {
        String key = admin.tenantWithKey("per-minute", Limits.GENEROUS,
                new Limits(REQUESTS_PER_MINUTE, 10_000_000, 1_000), List.of());
        int sent = REQUESTS_PER_MINUTE * 4;
        long start = System.nanoTime();
        List<Integer> statuses = Flux.range(0, sent)
                .flatMap(i -> chat(clients.get(i % 3), key, "echo", false), 48)
                .collectList()
                .block(Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - start) / 1e9;

        long admitted = statuses.stream().filter(s -> s == 200).count();
        long refused = statuses.stream().filter(s -> s == 429).count();
        assertThat(admitted + refused).as("only 200s and 429s: %s", statuses).isEqualTo(sent);
        // The documented allowance: the limit, plus the greedy refill (one request a second here) during the burst.
        double allowed = REQUESTS_PER_MINUTE + Math.ceil(seconds * REQUESTS_PER_MINUTE / 60.0);
        assertThat(admitted).as("admitted in %.1f s", seconds)
                .isBetween((long) REQUESTS_PER_MINUTE, (long) Math.floor(allowed * 1.02));
        assertThat(fallbacks()).as("no admission left Redis").isZero();
    }

    @Test
    void togetherTheyHoldExactlyTheConcurrentStreamLimit() {
        String key = admin.tenantWithKey("streams", Limits.GENEROUS, new Limits(100_000, 10_000_000, STREAMS),
                List.of());
        int sent = STREAMS + 9;

        List<Integer> statuses = Flux.range(0, sent)
                .flatMap(i -> chat(clients.get(i % 3), key, "slow-echo", true), sent)
                .collectList()
                .block(Duration.ofSeconds(60));

        assertThat(statuses.stream().filter(s -> s == 200).count()).as("%s", statuses).isEqualTo(STREAMS);
        assertThat(statuses.stream().filter(s -> s == 429).count()).as("%s", statuses).isEqualTo(sent - STREAMS);
        assertThat(fallbacks()).as("no admission left Redis").isZero();
    }

    private double fallbacks() {
        return instances.stream()
                .flatMap(instance -> instance.getBean(MeterRegistry.class)
                        .find("streamgate.ratelimit.redis.fallbacks").counters().stream())
                .mapToDouble(Counter::count).sum();
    }
}
