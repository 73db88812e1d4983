package dev.streamgate.gateway.chat;

import java.time.Duration;
import java.util.List;

import dev.streamgate.adapters.FakeOpenAiUpstream;
import dev.streamgate.adapters.FakeReply;
import dev.streamgate.gateway.testsupport.GatewayAdmin;
import dev.streamgate.gateway.testsupport.GatewayAdmin.Limits;
import dev.streamgate.gateway.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One tenant's bad requests must not make a model unavailable to the others: requests a model cannot take are
 * refused at the gateway, an upstream's own 4xx is passed back as it is, and neither (nor an upstream's 429)
 * counts toward a deployment's circuit breaker, which here opens after 5 failures in 10 calls.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientErrorsIT {
    private static final String ADMIN_KEY = "sg-admin-client-errors-it-0123456789";
    private static final FakeOpenAiUpstream UPSTREAM = FakeOpenAiUpstream.start();
    private static final TestPostgres.Database DB = TestPostgres.newDatabase();
    private static final String IMAGE_MESSAGE = """
            {"role":"user","content":[{"type":"text","text":"what is in this picture?"},
             {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}""";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("streamgate.database.url", DB::jdbcUrl);
        registry.add("streamgate.database.username", DB::user);
        registry.add("streamgate.database.password", DB::password);
        registry.add("streamgate.ratelimit.backend", () -> "local");
        registry.add("streamgate.auth.admin-key", () -> ADMIN_KEY);
        registry.add("streamgate.demo.enabled", () -> "false");
        registry.add("streamgate.routing.retry.max-attempts", () -> "1");
        registry.add("streamgate.routing.retry.initial-backoff", () -> "10ms");
        registry.add("streamgate.routing.retry.max-backoff", () -> "20ms");
        registry.add("streamgate.routing.retry.jitter", () -> "0");
        registry.add("streamgate.routing.circuit-breaker.failure-rate-threshold", () -> "50");
        registry.add("streamgate.routing.circuit-breaker.sliding-window-size", () -> "10");
        registry.add("streamgate.routing.circuit-breaker.minimum-calls", () -> "5");
        registry.add("streamgate.routing.circuit-breaker.open-duration", () -> "60s");
        registry.add("streamgate.deployments[0].id", () -> "fake-1");
        registry.add("streamgate.deployments[0].model", () -> "fake");
        registry.add("streamgate.deployments[0].provider", () -> "openai");
        registry.add("streamgate.deployments[0].base-url", () -> UPSTREAM.baseUrl().toString());
        registry.add("streamgate.deployments[1].id", () -> "demo-chat-local");
        registry.add("streamgate.deployments[1].model", () -> "demo-chat");
        registry.add("streamgate.deployments[1].provider", () -> "worker");
        registry.add("streamgate.deployments[1].options.model", () -> "demo-chat");
    }

    @LocalServerPort
    int port;

    private WebTestClient client;
    private String noisy;
    private String quiet;

    @BeforeAll
    void tenancy() {
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
        GatewayAdmin admin = new GatewayAdmin(client, ADMIN_KEY);
        noisy = admin.tenantWithKey("noisy", Limits.GENEROUS, Limits.GENEROUS, List.of("fake", "demo-chat"));
        quiet = admin.tenantWithKey("quiet", Limits.GENEROUS, Limits.GENEROUS, List.of("fake", "demo-chat"));
    }

    @BeforeEach
    void resetUpstream() {
        UPSTREAM.reset();
    }

    @AfterAll
    void stopUpstream() {
        UPSTREAM.close();
    }

    private WebTestClient.ResponseSpec chat(String key, String model, String message) {
        return client.post().uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + model + "\",\"max_tokens\":8,\"messages\":[" + message + "]}")
                .exchange();
    }

    @Test
    void imagePartsForATextOnlyModelAre400sThatLeaveItAvailableToOthers() {
        for (int i = 0; i < 20; i++) {
            chat(noisy, "demo-chat", IMAGE_MESSAGE).expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                    .jsonPath("$.error.code").isEqualTo("unsupported_value")
                    .jsonPath("$.error.param").isEqualTo("messages[0].content[1].type");
        }
        chat(quiet, "demo-chat", "{\"role\":\"user\",\"content\":\"hi\"}").expectStatus().isOk();
    }

    @Test
    void anUpstreams400IsPassedBackAsItIsAndLeavesTheModelAvailable() {
        UPSTREAM.defaultReply(FakeReply.status(400).errorType("invalid_request_error")
                .message("This model's maximum context length is 8 tokens."));
        for (int i = 0; i < 20; i++) {
            chat(noisy, "fake", "{\"role\":\"user\",\"content\":\"far too long\"}").expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                    .expectBody()
                    .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                    .jsonPath("$.error.message").isEqualTo("This model's maximum context length is 8 tokens.");
        }
        UPSTREAM.reset();
        UPSTREAM.enqueue(FakeReply.tokens("fine"));
        chat(quiet, "fake", "{\"role\":\"user\",\"content\":\"hi\"}").expectStatus().isOk()
                .expectBody().jsonPath("$.choices[0].message.content").isEqualTo("fine");
    }

    @Test
    void anUpstreams429sDoNotOpenTheCircuit() {
        UPSTREAM.defaultReply(FakeReply.status(429).errorType("rate_limit_error").message("slow down"));
        for (int i = 0; i < 20; i++) {
            chat(noisy, "fake", "{\"role\":\"user\",\"content\":\"hi\"}").expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.error.code").isEqualTo("upstream_rate_limited");
        }
        UPSTREAM.reset();
        UPSTREAM.enqueue(FakeReply.tokens("fine"));
        chat(quiet, "fake", "{\"role\":\"user\",\"content\":\"hi\"}").expectStatus().isOk();
    }
}
