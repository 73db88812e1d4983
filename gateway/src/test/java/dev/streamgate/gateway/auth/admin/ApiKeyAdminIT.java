package dev.streamgate.gateway.auth.admin;

import dev.streamgate.adapters.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import dev.streamgate.gateway.auth.AuthFilter;
import dev.streamgate.gateway.auth.AuthTestDatabase;
import dev.streamgate.gateway.auth.BearerAuthenticator;
import dev.streamgate.gateway.auth.ManualTicker;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.auth.RouteAccess;
import dev.streamgate.gateway.auth.TenantResolver;
import dev.streamgate.gateway.auth.TestErrorHandler;
import dev.streamgate.gateway.auth.apikey.ApiKeyAuthenticator;
import dev.streamgate.gateway.auth.apikey.ApiKeyIssuer;
import dev.streamgate.gateway.auth.apikey.ApiKeyRepository;
import dev.streamgate.gateway.auth.internal.LookupCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The key admin endpoints behind the real filter, against a real PostgreSQL. */
class ApiKeyAdminIT {
    private static final String ADMIN_KEY = "bootstrap-admin-key-for-tests-0123456789";
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

    private static AuthTestDatabase database;
    private static WebTestClient client;

    @BeforeAll
    static void gateway() {
        database = new AuthTestDatabase();
        database.addTenant("acme", false);
        var cache = new LookupCache.Settings(Duration.ofSeconds(3), Duration.ofSeconds(2), 1_000);
        var ticker = new ManualTicker();
        var repository = new ApiKeyRepository(database.client());
        var keys = new ApiKeyAuthenticator(repository, new TenantResolver(database), cache, ticker,
                CLOCK);
        var issuer = new ApiKeyIssuer(repository, database, keys, CLOCK, new SplittableRandom(3));
        var filter = new AuthFilter(new BearerAuthenticator(keys, null, ADMIN_KEY),
                new RouteAccess(RouteAccess.DEFAULT_PUBLIC_PATHS), new SimpleMeterRegistry());
        var routes = new ApiKeyAdminRoutes(issuer, CLOCK).routes()
                .and(RouterFunctions.route().GET("/v1/whoami", request -> ServerResponse.ok().bodyValue(
                        ((Principal) request.attribute(Principal.ATTRIBUTE).orElseThrow()).tenantId())).build());
        client = WebTestClient.bindToRouterFunction(routes)
                .handlerStrategies(HandlerStrategies.builder().webFilter(filter)
                        .exceptionHandler(new TestErrorHandler()).build())
                .build();
    }

    @Test
    void issuesAKeyThatWorksAtOnceAndShowsItsSecretOnlyOnce() {
        long expiresAt = CLOCK.instant().plus(Duration.ofDays(30)).getEpochSecond();
        Map<String, Object> body = Map.of("name", "ci", "scopes", new String[] {"models:read", "chat"},
                "expires_at", expiresAt);
        AtomicReference<String> secret = new AtomicReference<>();
        AtomicReference<String> id = new AtomicReference<>();

        asAdmin(client.post().uri("/admin/v1/tenants/acme/keys")).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange()
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.object").isEqualTo("api_key")
                .jsonPath("$.tenant_id").isEqualTo("acme")
                .jsonPath("$.name").isEqualTo("ci")
                .jsonPath("$.scopes[0]").isEqualTo("chat")
                .jsonPath("$.scopes[1]").isEqualTo("models:read")
                .jsonPath("$.status").isEqualTo("active")
                .jsonPath("$.created_at").isEqualTo(CLOCK.instant().getEpochSecond())
                .jsonPath("$.expires_at").isEqualTo(expiresAt)
                .jsonPath("$.revoked_at").isEmpty()
                .jsonPath("$.id").value(String.class, id::set)
                .jsonPath("$.key").value(String.class, secret::set);

        assertThat(secret.get()).matches("sk-sg-[0-9A-Za-z]{12}_[0-9A-Za-z]{43}");
        withKey(client.get().uri("/v1/whoami"), secret.get()).exchange()
                .expectStatus().isOk().expectBody(String.class).isEqualTo("acme");

        String listing = asAdmin(client.get().uri("/admin/v1/tenants/acme/keys")).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(listing).contains("\"id\":\"" + id.get() + "\"").contains("\"object\":\"list\"")
                .doesNotContain(secret.get().substring(19)).doesNotContain("\"key\"").doesNotContain("hash");
    }

    @Test
    void revokingAKeyRefusesItAtOnce() {
        String secret = issue("{\"name\":\"to-revoke\"}");
        withKey(client.get().uri("/v1/whoami"), secret).exchange().expectStatus().isOk();
        String id = secret.substring(6, 18);
        AtomicReference<String> keyId = new AtomicReference<>();
        asAdmin(client.get().uri("/admin/v1/tenants/acme/keys")).exchange().expectBody()
                .jsonPath("$.data[?(@.prefix == '" + id + "')].id").value(ids -> keyId.set(
                        ((java.util.List<?>) ids).getFirst().toString()));

        asAdmin(client.delete().uri("/admin/v1/keys/" + keyId.get())).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("revoked")
                .jsonPath("$.revoked_at").isEqualTo(CLOCK.instant().getEpochSecond())
                .jsonPath("$.key").doesNotExist();

        withKey(client.get().uri("/v1/whoami"), secret).exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_api_key");
        asAdmin(client.delete().uri("/admin/v1/keys/key_nope")).exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.param").isEqualTo("key_id");
    }

    @Test
    void aTenantsOwnKeyCannotManageKeys() {
        String tenantKey = issue("{}");

        withKey(client.post().uri("/admin/v1/tenants/acme/keys"), tenantKey).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}").exchange().expectStatus().isForbidden();
        withKey(client.get().uri("/admin/v1/tenants/acme/keys"), tenantKey).exchange().expectStatus().isForbidden();
        withKey(client.delete().uri("/admin/v1/keys/anything"), tenantKey).exchange().expectStatus().isForbidden();
        client.get().uri("/admin/v1/tenants/acme/keys").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aKeyWithTheAdminScopeIsAnAdmin() {
        String adminScoped = issue("{\"scopes\":[\"admin\"]}");

        withKey(client.get().uri("/admin/v1/tenants/acme/keys"), adminScoped).exchange().expectStatus().isOk();
    }

    @Test
    void badRequestsNameTheField() {
        post("acme", "{not json").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_json");
        post("acme", "{\"scopes\":\"chat\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_json");
        post("acme", "{\"expires_at\":" + CLOCK.instant().minusSeconds(1).getEpochSecond() + "}")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("expires_at");
        post("acme", "{\"expires_at\":\"next tuesday\"}")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("expires_at");
        post("acme", "{\"scopes\":[\"UPPER case\"]}")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("scopes");
        post("nobody", "{}").expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.param").isEqualTo("tenant_id");
        asAdmin(client.get().uri("/admin/v1/tenants/nobody/keys")).exchange().expectStatus().isNotFound();
    }

    @Test
    void acceptsIsoExpiryAndAnEmptyBody() {
        post("acme", "{\"expires_at\":\"2030-02-01T00:00:00+01:00\"}").expectStatus().isCreated()
                .expectBody().jsonPath("$.expires_at").isEqualTo(Instant.parse("2030-01-31T23:00:00Z").getEpochSecond());
        asAdmin(client.post().uri("/admin/v1/tenants/acme/keys")).exchange().expectStatus().isCreated()
                .expectBody().jsonPath("$.name").isEqualTo("").jsonPath("$.expires_at").isEmpty();
    }

    private static String issue(String json) {
        AtomicReference<String> secret = new AtomicReference<>();
        post("acme", json).expectStatus().isCreated().expectBody().jsonPath("$.key").value(String.class, secret::set);
        return secret.get();
    }

    private static WebTestClient.ResponseSpec post(String tenant, String json) {
        return asAdmin(client.post().uri("/admin/v1/tenants/" + tenant + "/keys"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private static <S extends WebTestClient.RequestHeadersSpec<?>> S asAdmin(S spec) {
        return withKey(spec, ADMIN_KEY);
    }

    @SuppressWarnings("unchecked")
    private static <S extends WebTestClient.RequestHeadersSpec<?>> S withKey(S spec, String key) {
        return (S) spec.header(HttpHeaders.AUTHORIZATION, "Bearer " + key);
    }
}
