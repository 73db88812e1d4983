package dev.streamgate.gateway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.streamgate.gateway.testsupport.GatewayAdmin;
import dev.streamgate.gateway.testsupport.GatewayAdmin.Limits;
import dev.streamgate.gateway.testsupport.TestPostgres;
import dev.streamgate.worker.BundledModel;
import dev.streamgate.worker.WorkerOptions;
import dev.streamgate.worker.WorkerRuntime;
import dev.streamgate.worker.server.WorkerServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A remote StreamGate worker behind the gateway: the worker's own HTTP server on a free port (the demo chat model
 * on the native engine), reached through an OpenAI-compatible deployment and its connection pool, streamed back
 * to the client over SSE.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RemoteWorkerIT {
    private static final String ADMIN_KEY = "sg-admin-remote-worker-it-0123456789ab";
    private static final TestPostgres.Database DB = TestPostgres.newDatabase();
    private static final WorkerRuntime RUNTIME = WorkerRuntime.start(BundledModel.folder(BundledModel.DEMO_CHAT),
            WorkerOptions.DEFAULTS.withServedModelName("demo-chat"));
    private static final WorkerServer WORKER = startWorker();

    private static WorkerServer startWorker() {
        WorkerServer server = WorkerServer.start("127.0.0.1", 0, () -> "", Clock.systemUTC());
        server.attach(RUNTIME);
        return server;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("streamgate.database.url", DB::jdbcUrl);
        registry.add("streamgate.database.username", DB::user);
        registry.add("streamgate.auth.admin-key", () -> ADMIN_KEY);
        registry.add("streamgate.demo.enabled", () -> "false");
        registry.add("streamgate.builtin-deployments.enabled", () -> "false");
        registry.add("streamgate.deployments[0].id", () -> "worker-1");
        registry.add("streamgate.deployments[0].model", () -> "assistant");
        registry.add("streamgate.deployments[0].provider", () -> "openai");
        registry.add("streamgate.deployments[0].upstream-model", () -> "demo-chat");
        registry.add("streamgate.deployments[0].base-url", () -> "http://127.0.0.1:" + WORKER.port() + "/v1");
    }

    @AfterAll
    static void stopWorker() {
        WORKER.close();
        RUNTIME.close();
    }

    @LocalServerPort
    int port;

    @Test
    void theGatewayStreamsTheWorkersAnswer() {
        var client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
        String key = new GatewayAdmin(client, ADMIN_KEY).tenantWithKey("worker-user", Limits.GENEROUS,
                Limits.GENEROUS, List.of());
        String body = client.post().uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"model":"assistant","stream":true,"temperature":0,"stream_options":{"include_usage":true},
                         "messages":[{"role":"user","content":"What does the gateway do?"}]}""")
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        List<String> data = body.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        String text = String.join("", data.stream().filter(d -> d.contains("\"content\":\""))
                .map(d -> d.replaceAll(".*\"content\":\"([^\"]*)\".*", "$1")).toList());
        assertThat(text).isEqualTo("The gateway routes the prompt to the right model. It also streams tokens over SSE.");
        assertThat(data.getLast()).isEqualTo("[DONE]");
        // The worker's own token counts reach the client (and billing), not an estimate.
        assertThat(data).anySatisfy(d -> assertThat(d).contains("\"usage\":{\"prompt_tokens\":"));
    }
}
