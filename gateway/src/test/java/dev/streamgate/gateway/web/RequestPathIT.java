package dev.streamgate.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.streamgate.gateway.testsupport.GatewayAdmin;
import dev.streamgate.gateway.testsupport.GatewayAdmin.Limits;
import dev.streamgate.gateway.testsupport.TestPostgres;
import dev.streamgate.streaming.testsupport.RawHttp1Connection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * HTTP-level rules that hold on every route, over real HTTP against the whole gateway: body size limits, method
 * and path errors, oversized headers and request ids.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestPathIT {
    private static final String ADMIN_KEY = "sg-admin-request-path-it-0123456789";
    /** Above Spring's own 256 KiB buffer limit, so that passing at this size shows the configured limit holds. */
    private static final int BODY_LIMIT = 320 * 1024;
    private static final TestPostgres.Database DB = TestPostgres.newDatabase();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("streamgate.database.url", DB::jdbcUrl);
        registry.add("streamgate.database.username", DB::user);
        registry.add("streamgate.database.password", DB::password);
        registry.add("streamgate.ratelimit.backend", () -> "local");
        registry.add("streamgate.auth.admin-key", () -> ADMIN_KEY);
        registry.add("streamgate.demo.enabled", () -> "false");
        registry.add("streamgate.http.max-request-body-size", () -> BODY_LIMIT + "B");
        registry.add("streamgate.builtin-deployments.enabled", () -> "false");
        registry.add("streamgate.deployments[0].id", () -> "echo");
        registry.add("streamgate.deployments[0].model", () -> "echo");
        registry.add("streamgate.deployments[0].provider", () -> "echo");
    }

    @LocalServerPort
    int port;

    private WebTestClient client;
    private String key;

    @BeforeAll
    void tenancy() {
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build();
        key = new GatewayAdmin(client, ADMIN_KEY).tenantWithKey("acme", Limits.GENEROUS, Limits.GENEROUS,
                List.of("echo"));
    }

    /** A valid chat request of exactly {@code size} bytes: JSON allows whitespace after the value. */
    private static byte[] chatBodyOf(int size) {
        String json = "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return (json + " ".repeat(size - json.length())).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private WebTestClient.ResponseSpec chat(byte[] body) {
        return client.post().uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    @Test
    void aChatBodyOfExactlyTheLimitIsServed() {
        chat(chatBodyOf(BODY_LIMIT)).expectStatus().isOk()
                .expectBody().jsonPath("$.choices[0].message.content").isEqualTo("hi");
    }

    @Test
    void aChatBodyOneByteOverTheLimitIs413() {
        chat(chatBodyOf(BODY_LIMIT + 1)).expectStatus().isEqualTo(413)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("request_body_too_large");
    }

    @Test
    void anAdminJsonBodyOverTheLimitIs413() {
        String json = "{\"id\":\"big\",\"name\":\"big\"}";
        byte[] body = (json + " ".repeat(BODY_LIMIT + 1 - json.length()))
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        client.post().uri("/admin/v1/plans").header("Authorization", "Bearer " + ADMIN_KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.error.code").isEqualTo("request_body_too_large");
        client.post().uri("/admin/v1/tenants/acme/keys").header("Authorization", "Bearer " + ADMIN_KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(("{\"name\":\"k\"}" + " ".repeat(BODY_LIMIT)).getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII))
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.error.code").isEqualTo("request_body_too_large");
    }

    @Test
    void aTenThousandMessageConversationIsServed() {
        StringBuilder json = new StringBuilder("{\"model\":\"echo\",\"messages\":[");
        for (int i = 0; i < 10_000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":\"m\"}");
        }
        json.append(",{\"role\":\"user\",\"content\":\"last\"}]}");
        byte[] body = json.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(body.length).isBetween(256 * 1024 + 1, BODY_LIMIT);
        chat(body).expectStatus().isOk()
                .expectBody().jsonPath("$.choices[0].message.content").isEqualTo("last");
    }

    @Test
    void aWrongMethodOnARouteIs405WithAllow() {
        client.get().uri("/v1/chat/completions").header("Authorization", "Bearer " + key).exchange()
                .expectStatus().isEqualTo(405)
                .expectHeader().valueEquals("Allow", "POST")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("method_not_allowed");
        client.delete().uri("/v1/models").header("Authorization", "Bearer " + key).exchange()
                .expectStatus().isEqualTo(405)
                .expectHeader().valueEquals("Allow", "GET");
        client.put().uri("/admin/v1/plans").header("Authorization", "Bearer " + ADMIN_KEY).exchange()
                .expectStatus().isEqualTo(405)
                .expectHeader().valueEquals("Allow", "GET, POST");
        client.post().uri("/admin/v1/plans/some-plan").header("Authorization", "Bearer " + ADMIN_KEY).exchange()
                .expectStatus().isEqualTo(405)
                .expectHeader().valueEquals("Allow", "GET, PATCH");
    }

    @Test
    void anUnknownPathIsAnOpenAiStyle404() {
        client.get().uri("/v1/nothing/here").header("Authorization", "Bearer " + key).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("not_found")
                .jsonPath("$.error.message").isEqualTo("Invalid URL (GET /v1/nothing/here).");
    }

    @Test
    void aHeaderSectionOverTheLimitIs431WithErrorJson() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + port + "/v1/models"))
                .header("Authorization", "Bearer " + key)
                .header("x-padding", "p".repeat(64 * 1024))
                .GET().build();
        var response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(431);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).contains("\"type\":\"invalid_request_error\"")
                .contains("\"code\":\"request_header_fields_too_large\"");
    }

    @Test
    void everyResponseCarriesItsOwnRequestId() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        // 401 before authentication completes, 404, 405, 200 on /v1/models and /v1/usage, 400 and 200 on chat
        ids.add(requestId(client.get().uri("/v1/models").exchange().expectStatus().isUnauthorized(), "req_"));
        ids.add(requestId(client.get().uri("/v1/nothing").header("Authorization", "Bearer " + key).exchange()
                .expectStatus().isNotFound(), "req_"));
        ids.add(requestId(client.get().uri("/v1/chat/completions").header("Authorization", "Bearer " + key)
                .exchange().expectStatus().isEqualTo(405), "chatcmpl-"));
        ids.add(requestId(client.get().uri("/v1/models").header("Authorization", "Bearer " + key)
                .header("x-request-id", "client-chosen").exchange().expectStatus().isOk(), "req_"));
        ids.add(requestId(client.get().uri("/v1/usage").header("Authorization", "Bearer " + key).exchange()
                .expectStatus().is2xxSuccessful(), "req_"));
        ids.add(requestId(chat("{\"model\":\"echo\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .expectStatus().isBadRequest(), "chatcmpl-"));
        var ok = chat(chatBodyOf(100)).expectStatus().isOk().expectBody(String.class).returnResult();
        String chatId = ok.getResponseHeaders().getFirst("x-request-id");
        assertThat(chatId).matches("chatcmpl-[0-9A-Za-z]{24}");
        // the completion's own id is the request id, not a second one
        assertThat(ok.getResponseBody()).contains("\"id\":\"" + chatId + "\"");
        ids.add(chatId);
        assertThat(ids).hasSize(7).doesNotContain("client-chosen");
    }

    /**
     * A keep-alive client may write its next request before the server has finished with the last one (RFC 9112
     * section 9.3.2 allows it outright). A request answered at once while queued behind a slower one must not stop
     * the connection from reading: the request after them is answered too.
     */
    @Test
    void aConnectionKeepsReadingAfterARequestQueuedBehindASlowOne() throws Exception {
        try (RawHttp1Connection connection = new RawHttp1Connection(port, Duration.ofSeconds(20))) {
            connection.send(
                    RawHttp1Connection.request("POST", "/v1/chat/completions",
                            new String(chatBodyOf(100), java.nio.charset.StandardCharsets.US_ASCII),
                            "Authorization: Bearer " + key),
                    RawHttp1Connection.request("GET", "/v1/models", null));
            RawHttp1Connection.Response chat = connection.read();
            RawHttp1Connection.Response unauthorized = connection.read();
            connection.send(RawHttp1Connection.request("GET", "/v1/models", null, "Authorization: Bearer " + key));
            RawHttp1Connection.Response models = connection.read();

            assertThat(chat.status()).isEqualTo(200);
            assertThat(chat.body()).contains("\"content\":\"hi\"");
            assertThat(unauthorized.status()).isEqualTo(401);
            assertThat(models.status()).isEqualTo(200);
            assertThat(models.body()).contains("\"id\":\"echo\"");
        }
    }

    private static String requestId(WebTestClient.ResponseSpec response, String prefix) {
        String id = response.returnResult(byte[].class).getResponseHeaders().getFirst("x-request-id");
        assertThat(id).matches(java.util.regex.Pattern.quote(prefix) + "[0-9A-Za-z]{24}");
        return id;
    }
}
