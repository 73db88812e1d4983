package dev.streamgate.gateway.cluster;

import static dev.streamgate.gateway.testsupport.RedisBackedInstance.baseUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.streamgate.gateway.testsupport.GatewayAdmin;
import dev.streamgate.gateway.testsupport.GatewayAdmin.Limits;
import dev.streamgate.gateway.testsupport.RedisBackedInstance;
import dev.streamgate.gateway.testsupport.TestPostgres;
import dev.streamgate.gateway.testsupport.TestRedis;
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
 * Two gateway instances on one PostgreSQL and one Redis, as a scaled-out deployment runs: rate limits are shared
 * (together they admit at most the limit, +2 %), and a key revoked through one instance is refused by the other
 * within 5 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstancesIT {
    private static final String ADMIN_KEY = "sg-admin-two-instances-it-0123456789ab";
    private static final int REQUESTS_PER_MINUTE = 60;

    private ConfigurableApplicationContext first;
    private ConfigurableApplicationContext second;
    private GatewayAdmin admin;

    @BeforeAll
    void start() {
        TestPostgres.Database db = TestPostgres.newDatabase();
        String prefix = TestRedis.uniquePrefix();
        first = instance(db, prefix);
        second = instance(db, prefix);
        admin = new GatewayAdmin(client(first), ADMIN_KEY);
    }

    @AfterAll
    void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    private static ConfigurableApplicationContext instance(TestPostgres.Database db, String redisPrefix) {
        return RedisBackedInstance.start(db, redisPrefix, ADMIN_KEY,
                // What is under test is sharing while Redis answers: a loaded CI machine must not push
                // admissions onto the per-instance fallback (tested in RedisFailoverIT).
                "--streamgate.ratelimit.redis-timeout=5s",
                "--streamgate.redis.command-timeout=5s",
                "--streamgate.deployments[0].id=echo",
                "--streamgate.deployments[0].model=echo",
                "--streamgate.deployments[0].provider=echo");
    }

    private static WebTestClient client(ConfigurableApplicationContext context) {
        return WebTestClient.bindToServer().baseUrl(baseUrl(context)).responseTimeout(Duration.ofSeconds(20))
                .build();
    }

    private static Mono<Integer> chat(WebClient client, String key) {
        return client.post().uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "echo", "max_tokens", 8,
                        "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()));
    }

    @Test
    void togetherTheyAdmitAtMostTheSharedLimit() {
        String key = admin.tenantWithKey("shared", Limits.GENEROUS,
                new Limits(REQUESTS_PER_MINUTE, 10_000_000, 1_000), List.of());
        List<WebClient> clients = List.of(WebClient.create(baseUrl(first)), WebClient.create(baseUrl(second)));
        int sent = REQUESTS_PER_MINUTE * 3;
        long start = System.nanoTime();
        List<Integer> statuses = Flux.range(0, sent)
                .flatMap(i -> chat(clients.get(i % 2), key), 32)
                .collectList()
                .block(Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - start) / 1e9;
        long admitted = statuses.stream().filter(s -> s == 200).count();
        long refused = statuses.stream().filter(s -> s == 429).count();
        assertThat(admitted + refused).as("only 200s and 429s: %s", statuses).isEqualTo(sent);
        // A per-minute bucket refills greedily (one request per second here) while the burst runs.
        double allowed = REQUESTS_PER_MINUTE + Math.ceil(seconds * REQUESTS_PER_MINUTE / 60.0);
        assertThat(admitted).as("admitted in %.1f s", seconds)
                .isBetween((long) REQUESTS_PER_MINUTE, (long) Math.floor(allowed * 1.02));
    }

    @Test
    void aKeyRevokedOnOneInstanceIsRefusedByTheOtherWithinFiveSeconds() {
        String key = admin.tenantWithKey("revoking", Limits.GENEROUS, Limits.GENEROUS, List.of());
        WebClient other = WebClient.create(baseUrl(second));
        assertThat(chat(other, key).block(Duration.ofSeconds(10))).isEqualTo(200);

        String keyId = client(first).get().uri("/admin/v1/tenants/revoking/keys")
                .header("Authorization", "Bearer " + ADMIN_KEY).exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody()
                .get("data") instanceof List<?> list ? (String) ((Map<?, ?>) list.getFirst()).get("id") : null;
        assertThat(keyId).isNotNull();
        client(first).delete().uri("/admin/v1/keys/{id}", keyId)
                .header("Authorization", "Bearer " + ADMIN_KEY).exchange()
                .expectStatus().is2xxSuccessful();
        Instant revoked = Instant.now();

        Integer status = 200;
        while (status == 200 && Duration.between(revoked, Instant.now()).compareTo(Duration.ofSeconds(6)) < 0) {
            status = chat(other, key).block(Duration.ofSeconds(10));
        }
        Duration refusedAfter = Duration.between(revoked, Instant.now());
        assertThat(status).isEqualTo(401);
        assertThat(refusedAfter).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }
}
