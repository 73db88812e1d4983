package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link BenchTenant} against a stand-in for the gateway's admin API (paths and JSON fields as the gateway's
 * {@code PlanJson}, {@code TenantJson} and key routes define them) with the fake upstream behind its chat route.
 */
class BenchTenantIT {
    private static final String ADMIN_KEY = "admin-key-of-at-least-20-chars";
    private static final String ISSUED_KEY = "sk-sg-abcdefghijkl_" + "x".repeat(43);

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> bodies = new ConcurrentHashMap<>();
    private final Map<String, Boolean> existing = new ConcurrentHashMap<>();
    private volatile boolean chatAvailable = true;
    private DisposableServer fake;
    private DisposableServer gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.disposeNow(Duration.ofSeconds(5));
        }
        if (fake != null) {
            fake.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Test
    void createsThePlanTenantAndKeyThenChecksBothKindsOfChat() throws Exception {
        start();
        BenchTenant setup = new BenchTenant(uri(), ADMIN_KEY);

        setup.awaitAdminApi(Duration.ofSeconds(10), Optional.empty());
        String key = setup.prepare();
        setup.smokeTest(key, "bench");

        assertThat(key).isEqualTo(ISSUED_KEY);
        assertThat(calls).containsExactly("GET /admin/v1/plans", "POST /admin/v1/plans", "POST /admin/v1/tenants",
                "POST /admin/v1/tenants/bench/keys", "POST /v1/chat/completions", "POST /v1/chat/completions");
        JsonNode plan = bodies.get("POST /admin/v1/plans");
        assertThat(plan.get("id").asString()).isEqualTo("bench");
        for (String limits : List.of("tenant_limits", "key_limits")) {
            assertThat(plan.at("/" + limits + "/requests_per_minute").asLong()).isEqualTo(100_000_000L);
            assertThat(plan.at("/" + limits + "/tokens_per_minute").asLong()).isEqualTo(10_000_000_000L);
            assertThat(plan.at("/" + limits + "/concurrent_requests").asInt()).isEqualTo(100_000);
        }
        assertThat(bodies.get("POST /admin/v1/tenants").get("plan").asString()).isEqualTo("bench");
    }

    @Test
    void anExistingPlanAndTenantAreUpdatedToTheBenchLimits() throws Exception {
        existing.put("/admin/v1/plans", true);
        existing.put("/admin/v1/tenants", true);
        start();

        new BenchTenant(uri(), ADMIN_KEY).prepare();

        assertThat(calls).containsExactly("POST /admin/v1/plans", "PATCH /admin/v1/plans/bench",
                "POST /admin/v1/tenants", "PATCH /admin/v1/tenants/bench", "POST /admin/v1/tenants/bench/keys");
        assertThat(bodies.get("PATCH /admin/v1/plans/bench").has("id")).isFalse();
        assertThat(bodies.get("PATCH /admin/v1/plans/bench").at("/key_limits/concurrent_streams").asInt())
                .isEqualTo(100_000);
    }

    @Test
    void aGatewayThatCannotServeTheModelFailsTheSetupWithItsAnswer() throws Exception {
        chatAvailable = false;
        start();
        BenchTenant setup = new BenchTenant(uri(), ADMIN_KEY);

        assertThatThrownBy(() -> setup.smokeTest("some-key-for-the-test", "bench"))
                .isInstanceOf(BenchTenant.SetupFailed.class)
                .hasMessageContaining("a non-streaming chat completion for model 'bench'")
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("model_not_found");
    }

    @Test
    void aWrongAdminKeyIsReportedAtOnce() {
        start();
        BenchTenant setup = new BenchTenant(uri(), "not-the-admin-key-at-all");

        assertThatThrownBy(() -> setup.awaitAdminApi(Duration.ofSeconds(10), Optional.empty()))
                .isInstanceOf(BenchTenant.SetupFailed.class)
                .hasMessageContaining("refused the admin key (401)");
    }

    private void start() {
        fake = new FakeUpstream(new FakeUpstream.Settings(4, Duration.ZERO, Duration.ZERO)).start(0);
        gateway = HttpServer.create().host("127.0.0.1").port(0).handle(this::handle).bindNow();
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + gateway.port());
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        String call = request.method().name() + " " + request.uri();
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap(body -> {
            calls.add(call);
            if (body.length > 0 && request.uri().startsWith("/admin")) {
                bodies.put(call, JsonMapper.shared().readTree(body));
            }
            String auth = request.requestHeaders().get("Authorization");
            if (request.uri().startsWith("/admin") && !("Bearer " + ADMIN_KEY).equals(auth)) {
                return json(response, HttpResponseStatus.UNAUTHORIZED, "{\"error\":{\"code\":\"invalid_api_key\"}}");
            }
            if (request.uri().equals("/v1/chat/completions")) {
                if (!chatAvailable) {
                    return json(response, HttpResponseStatus.NOT_FOUND, "{\"error\":{\"code\":\"model_not_found\"}}");
                }
                // the real gateway would route this to its upstream: here it goes to the fake directly
                return HttpClient.create()
                        .post().uri("http://127.0.0.1:" + fake.port() + FakeUpstream.PATH)
                        .send(Mono.just(Unpooled.wrappedBuffer(body)))
                        .responseSingle((r, content) -> content.asByteArray())
                        .flatMap(bytes -> response.sendByteArray(Mono.just(bytes)).then());
            }
            return switch (call) {
                case "GET /admin/v1/plans" -> json(response, HttpResponseStatus.OK, "{\"data\":[]}");
                case "POST /admin/v1/plans", "POST /admin/v1/tenants" ->
                        existing.containsKey(request.uri())
                                ? json(response, HttpResponseStatus.CONFLICT, "{\"error\":{}}")
                                : json(response, HttpResponseStatus.CREATED, "{}");
                case "PATCH /admin/v1/plans/bench", "PATCH /admin/v1/tenants/bench" ->
                        json(response, HttpResponseStatus.OK, "{}");
                case "POST /admin/v1/tenants/bench/keys" ->
                        json(response, HttpResponseStatus.CREATED, "{\"id\":\"key_1\",\"key\":\"" + ISSUED_KEY + "\"}");
                default -> json(response, HttpResponseStatus.NOT_FOUND, "{}");
            };
        });
    }

    private static Mono<Void> json(HttpServerResponse response, HttpResponseStatus status, String body) {
        return response.status(status).header("Content-Type", "application/json").sendString(Mono.just(body)).then();
    }
}
