package dev.streamgate.gateway.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.streamgate.gateway.testsupport.GatewayAdmin;
import dev.streamgate.gateway.testsupport.GatewayAdmin.Limits;
import dev.streamgate.gateway.testsupport.TestPostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official {@code openai} npm package as a real client of a running gateway: a non-streaming and a streaming
 * completion with an API key, and a 429 that the SDK surfaces as its {@code RateLimitError}. Needs Node.js 20+;
 * where it is missing the test says so and is skipped, except in CI ({@code STREAMGATE_REQUIRE_NODE=true}), where
 * that is a failure.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenAiSdkIT {
    private static final String ADMIN_KEY = "sg-admin-openai-sdk-it-0123456789abcdef";
    private static final TestPostgres.Database DB = TestPostgres.newDatabase();
    private static final Path PROJECT = Path.of("src/test/node");
    private static final Path WORK = Path.of("target/openai-sdk-check");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("streamgate.database.url", DB::jdbcUrl);
        registry.add("streamgate.database.username", DB::user);
        registry.add("streamgate.ratelimit.backend", () -> "local");
        registry.add("streamgate.auth.admin-key", () -> ADMIN_KEY);
        registry.add("streamgate.demo.enabled", () -> "false");
        registry.add("streamgate.builtin-deployments.enabled", () -> "false");
        registry.add("streamgate.deployments[0].id", () -> "echo");
        registry.add("streamgate.deployments[0].model", () -> "echo");
        registry.add("streamgate.deployments[0].provider", () -> "echo");
    }

    @LocalServerPort
    int port;

    @Test
    @SuppressWarnings("unchecked")
    void theOfficialClientStreamsCompletesAndSeesRateLimits() throws Exception {
        requireNode();
        var client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
        var admin = new GatewayAdmin(client, ADMIN_KEY);
        String key = admin.tenantWithKey("sdk", Limits.GENEROUS, Limits.GENEROUS, List.of());
        String limitedKey = admin.tenantWithKey("sdk-limited", Limits.GENEROUS,
                new Limits(1, 1_000_000, 10), List.of());

        installClient();
        ProcessBuilder node = new ProcessBuilder("node", "openai-sdk-check.mjs").directory(WORK.toFile());
        node.environment().put("STREAMGATE_BASE_URL", "http://127.0.0.1:" + port + "/v1");
        node.environment().put("STREAMGATE_API_KEY", key);
        node.environment().put("STREAMGATE_LIMITED_API_KEY", limitedKey);
        node.redirectErrorStream(true);
        Process process = node.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        String last = output.strip().lines().reduce((a, b) -> b).orElseThrow();
        Map<String, Map<String, Object>> seen = JsonMapper.builder().build().readValue(last, Map.class);
        assertThat(seen.get("nonStreaming")).containsEntry("object", "chat.completion")
                .containsEntry("content", "hello from the openai sdk").containsEntry("role", "assistant")
                .containsEntry("finishReason", "stop");
        assertThat(seen.get("streaming")).containsEntry("content", "hello from the openai sdk")
                .containsEntry("finishReason", "stop");
        assertThat((Integer) seen.get("streaming").get("completionTokens")).isEqualTo(5);
        assertThat((List<Integer>) seen.get("rateLimit").get("statuses")).containsExactly(200, 429, 429);
        assertThat(seen.get("rateLimit")).containsEntry("errorClass", "RateLimitError")
                .containsEntry("code", "rate_limit_exceeded");
        assertThat(Integer.parseInt((String) seen.get("rateLimit").get("retryAfter"))).isPositive();
    }

    private static void requireNode() {
        boolean present;
        try {
            Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            present = version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            present = false;
        }
        if (!present && "true".equals(System.getenv("STREAMGATE_REQUIRE_NODE"))) {
            throw new AssertionError("Node.js is required here (STREAMGATE_REQUIRE_NODE=true) but `node` is missing");
        }
        Assumptions.assumeTrue(present, "Node.js is not installed: the openai-SDK check needs `node` on the PATH");
    }

    /** Installs the pinned client from the lock file into target/, once per build. */
    private static void installClient() throws Exception {
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "openai-sdk-check.mjs")) {
            Files.copy(PROJECT.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.isDirectory(WORK.resolve("node_modules/openai"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(WORK.toFile())
                .redirectErrorStream(true).start();
        String output = new String(npm.getInputStream().readAllBytes());
        assertThat(npm.waitFor(Duration.ofMinutes(3).toSeconds(), TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(npm.exitValue()).as("npm ci failed:\n%s", output).isZero();
    }
}
