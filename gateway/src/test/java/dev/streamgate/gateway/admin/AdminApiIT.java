package dev.streamgate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;
import dev.streamgate.config.ProviderKind;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.deployments.DeploymentRepository;
import dev.streamgate.gateway.deployments.PollingDeploymentCatalog;
import dev.streamgate.gateway.tenancy.PlanRepository;
import dev.streamgate.gateway.tenancy.Tenant;
import dev.streamgate.gateway.tenancy.CachedTenantDirectory;
import dev.streamgate.gateway.tenancy.TenantRepository;
import dev.streamgate.gateway.testsupport.MigratedDatabase;
import dev.streamgate.gateway.testsupport.TestWebFilters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.scheduler.Schedulers;

/** The admin API's handlers over PostgreSQL: plans, tenants and deployments, and every way a request can be wrong. */
class AdminApiIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final DeploymentConfig ECHO = new DeploymentConfig("echo", "echo", ProviderKind.ECHO, null, null,
            null, 1, null, null, null, Map.of());
    private static final Plan ADMIN_PLAN = new Plan("ops", "Ops", new PlanLimits(1, 1, 1), new PlanLimits(1, 1, 1),
            Set.of(), 0);

    private static MigratedDatabase db;
    private static CachedTenantDirectory directory;
    private static PollingDeploymentCatalog catalog;
    private static WebTestClient client;

    @BeforeAll
    static void api() {
        db = MigratedDatabase.create();
        PlanRepository plans = new PlanRepository(db.client());
        TenantRepository tenants = new TenantRepository(db.client());
        // An hour-long cache: anything fresh that a test sees came from invalidation, not expiry.
        directory = new CachedTenantDirectory(tenants, Duration.ofHours(1), 100, Ticker.systemTicker());
        catalog = new PollingDeploymentCatalog(List.of(ECHO), new DeploymentRepository(db.client()),
                Duration.ofHours(1), Schedulers.parallel());
        client = WebTestClient.bindToRouterFunction(AdminConfiguration.routes(
                        new PlanAdminHandler(plans, directory),
                        new TenantAdminHandler(tenants, plans, directory),
                        new DeploymentAdminHandler(new DeploymentRepository(db.client()), catalog)))
                .webFilter(TestWebFilters.gatewayErrors(),
                        TestWebFilters.caller(new Principal("ops", null, "root", Set.of(Principal.ADMIN), ADMIN_PLAN)))
                .build();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static WebTestClient.ResponseSpec send(String method, String uri, String json) {
        var request = client.method(org.springframework.http.HttpMethod.valueOf(method)).uri(uri);
        if (json == null) {
            return request.exchange();
        }
        return request.contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private static void expectError(WebTestClient.ResponseSpec response, int status, String param, String code) {
        response.expectStatus().isEqualTo(status)
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo(param)
                .jsonPath("$.error.code").isEqualTo(code);
    }

    /** The key limits use the deprecated name {@code concurrent_streams}, which must still be read. */
    private static String plan(String id) {
        return """
                {"id":"%s","name":"Plan %s","tenant_limits":{"requests_per_minute":600,"tokens_per_minute":100000,
                 "concurrent_requests":20},"key_limits":{"requests_per_minute":60,"tokens_per_minute":50000,
                 "concurrent_streams":5},"allowed_models":["gpt-4o","echo"],"priority":2}""".formatted(id, id);
    }

    @Test
    void plansAreCreatedListedReadAndPartlyUpdated() {
        send("POST", "/admin/v1/plans", plan("gold")).expectStatus().isCreated()
                .expectBody().json("""
                        {"id":"gold","object":"plan","name":"Plan gold",
                         "tenant_limits":{"requests_per_minute":600,"tokens_per_minute":100000,"concurrent_requests":20},
                         "key_limits":{"requests_per_minute":60,"tokens_per_minute":50000,"concurrent_requests":5},
                         "allowed_models":["echo","gpt-4o"],"priority":2}""", true);
        expectError(send("POST", "/admin/v1/plans", plan("gold")), 409, "id", "plan_exists");

        send("PATCH", "/admin/v1/plans/gold", """
                {"tenant_limits":{"requests_per_minute":900},"allowed_models":[]}""")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.tenant_limits.requests_per_minute").isEqualTo(900)
                .jsonPath("$.tenant_limits.tokens_per_minute").isEqualTo(100000)
                .jsonPath("$.key_limits.requests_per_minute").isEqualTo(60)
                .jsonPath("$.allowed_models.length()").isEqualTo(0)
                .jsonPath("$.name").isEqualTo("Plan gold");
        send("GET", "/admin/v1/plans/gold", null).expectStatus().isOk()
                .expectBody().jsonPath("$.tenant_limits.requests_per_minute").isEqualTo(900);
        send("GET", "/admin/v1/plans", null).expectStatus().isOk()
                .expectBody().jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.data[?(@.id == 'gold')].priority").isEqualTo(2);

        expectError(send("GET", "/admin/v1/plans/tin", null), 404, "id", "plan_not_found");
        expectError(send("PATCH", "/admin/v1/plans/tin", "{\"name\":\"Tin\"}"), 404, "id", "plan_not_found");
        expectError(send("PATCH", "/admin/v1/plans/gold", "{\"id\":\"platinum\"}"), 400, "id", "immutable_field");
    }

    @Test
    void planRequestsNameTheFieldThatIsWrong() {
        expectError(send("POST", "/admin/v1/plans", "{\"id\":\"x\",\"name\":\"X\"}"), 400, "tenant_limits",
                "missing_required_parameter");
        expectError(send("POST", "/admin/v1/plans", plan("x").replace("\"requests_per_minute\":600",
                "\"requests_per_minute\":0")), 400, "tenant_limits.requests_per_minute", "invalid_value");
        expectError(send("POST", "/admin/v1/plans", """
                {"id":"x","name":"X","tenant_limits":{"requests_per_minute":1,"tokens_per_minute":1,
                 "concurrent_requests":1},"key_limits":{"requests_per_minute":1,"tokens_per_minute":1}}"""), 400,
                "key_limits.concurrent_requests", "missing_required_parameter");
        expectError(send("POST", "/admin/v1/plans", plan("x").replace("\"priority\":2", "\"plan_id\":\"y\"")),
                400, "plan_id", "unknown_parameter");
        expectError(send("POST", "/admin/v1/plans", plan("x").replace("\"priority\":2", "\"priority\":\"high\"")),
                400, "priority", "invalid_json");
        expectError(send("POST", "/admin/v1/plans", plan("has space")), 400, "id", "invalid_id");
        expectError(send("POST", "/admin/v1/plans", plan("x").replace("\"echo\"", "\" \"")), 400,
                "allowed_models[1]", "invalid_value");
        send("POST", "/admin/v1/plans", "").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("missing_body");
        send("POST", "/admin/v1/plans", "{\"id\":").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_json");
        send("GET", "/admin/v1/plans/x", null).expectStatus().isNotFound();
    }

    @Test
    void tenantsAreManagedAndChangesReachTheDirectoryAtOnce() {
        send("POST", "/admin/v1/plans", plan("silver")).expectStatus().isCreated();
        send("POST", "/admin/v1/plans", plan("bronze")).expectStatus().isCreated();

        send("POST", "/admin/v1/tenants", "{\"id\":\"acme\",\"name\":\"Acme\",\"plan\":\"silver\"}")
                .expectStatus().isCreated()
                .expectBody().json("{\"id\":\"acme\",\"object\":\"tenant\",\"name\":\"Acme\",\"plan\":\"silver\","
                        + "\"disabled\":false}", true);
        expectError(send("POST", "/admin/v1/tenants", "{\"id\":\"acme\",\"name\":\"A\",\"plan\":\"silver\"}"),
                409, "id", "tenant_exists");
        expectError(send("POST", "/admin/v1/tenants", "{\"id\":\"wayne\",\"name\":\"W\",\"plan\":\"nope\"}"),
                400, "plan", "unknown_plan");
        expectError(send("POST", "/admin/v1/tenants", "{\"id\":\"wayne\",\"plan\":\"silver\"}"),
                400, "name", "missing_required_parameter");
        assertThat(directory.find("acme").map(Tenant::disabled).block(TIMEOUT)).isFalse();

        send("POST", "/admin/v1/tenants/acme/disable", null).expectStatus().isOk()
                .expectBody().jsonPath("$.disabled").isEqualTo(true);
        assertThat(directory.find("acme").map(Tenant::disabled).block(TIMEOUT)).isTrue();

        send("PATCH", "/admin/v1/tenants/acme", "{\"plan\":\"bronze\",\"name\":\"Acme Corp\"}")
                .expectStatus().isOk()
                .expectBody().json("{\"id\":\"acme\",\"name\":\"Acme Corp\",\"plan\":\"bronze\",\"disabled\":true}");
        assertThat(directory.find("acme").map(t -> t.plan().id()).block(TIMEOUT)).isEqualTo("bronze");
        expectError(send("PATCH", "/admin/v1/tenants/acme", "{\"plan\":\"nope\"}"), 400, "plan", "unknown_plan");
        send("POST", "/admin/v1/tenants/acme/enable", null).expectStatus().isOk()
                .expectBody().jsonPath("$.disabled").isEqualTo(false);

        // A plan change reaches tenants already in the directory.
        send("PATCH", "/admin/v1/plans/bronze", "{\"key_limits\":{\"concurrent_streams\":1}}").expectStatus().isOk();
        assertThat(directory.find("acme").map(t -> t.plan().keyLimits().concurrentStreams()).block(TIMEOUT))
                .isEqualTo(1);

        send("GET", "/admin/v1/tenants?plan=bronze", null).expectStatus().isOk()
                .expectBody().jsonPath("$.data[*].id").isEqualTo(List.of("acme"));
        send("GET", "/admin/v1/tenants?plan=silver", null).expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(0);
        send("GET", "/admin/v1/tenants/acme", null).expectStatus().isOk()
                .expectBody().jsonPath("$.name").isEqualTo("Acme Corp");
        expectError(send("GET", "/admin/v1/tenants/nobody", null), 404, "id", "tenant_not_found");
        expectError(send("POST", "/admin/v1/tenants/nobody/disable", null), 404, "id", "tenant_not_found");
    }

    @Test
    void deploymentsAreRegisteredWithPricesAndReachTheCatalog() {
        send("POST", "/admin/v1/deployments", """
                {"id":"gpt4o-eu","model":"gpt-4o","provider":"openai","base_url":"https://api.example.com/v1",
                 "api_key":"sk-upstream-secret","weight":80,
                 "price":{"input_per_million":"2.50","output_per_million":10},
                 "pool":{"max_connections":64},"timeouts":{"first_token_ms":15000},"options":{"region":"eu"}}""")
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.object").isEqualTo("deployment")
                .jsonPath("$.api_key").doesNotExist()
                .jsonPath("$.api_key_set").isEqualTo(true)
                .jsonPath("$.upstream_model").isEqualTo("gpt-4o")
                .jsonPath("$.price.input_per_million").isEqualTo("2.5")
                .jsonPath("$.price.output_per_million").isEqualTo("10")
                .jsonPath("$.pool.max_connections").isEqualTo(64)
                .jsonPath("$.pool.pending_acquire_max").isEqualTo(1000)
                .jsonPath("$.timeouts.first_token_ms").isEqualTo(15000)
                .jsonPath("$.enabled").isEqualTo(true)
                .jsonPath("$.source").isEqualTo("database");
        assertThat(catalog.find("gpt4o-eu")).hasValueSatisfying(d -> {
            assertThat(d.apiKey()).isEqualTo("sk-upstream-secret");
            assertThat(d.pool().maxConnections()).isEqualTo(64);
            assertThat(d.price().cost(1_000_000, 0)).isEqualByComparingTo("2.5");
        });
        expectError(send("POST", "/admin/v1/deployments", """
                {"id":"gpt4o-eu","model":"gpt-4o","provider":"openai","base_url":"https://b.example.com"}"""),
                409, "id", "deployment_exists");

        send("GET", "/admin/v1/deployments", null).expectStatus().isOk()
                .expectBody().jsonPath("$.data[*].id").isEqualTo(List.of("echo", "gpt4o-eu"))
                .jsonPath("$.data[0].source").isEqualTo("config");
        send("GET", "/admin/v1/deployments/echo", null).expectStatus().isOk()
                .expectBody().jsonPath("$.source").isEqualTo("config").jsonPath("$.provider").isEqualTo("echo");

        send("PATCH", "/admin/v1/deployments/gpt4o-eu", "{\"weight\":5,\"enabled\":false,\"api_key\":\"\"}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.weight").isEqualTo(5).jsonPath("$.api_key_set").isEqualTo(false)
                .jsonPath("$.pool.max_connections").isEqualTo(64);
        assertThat(catalog.find("gpt4o-eu")).isEmpty();
        send("GET", "/admin/v1/deployments/gpt4o-eu", null).expectStatus().isOk()
                .expectBody().jsonPath("$.enabled").isEqualTo(false);

        send("PATCH", "/admin/v1/deployments/gpt4o-eu", "{\"enabled\":true}").expectStatus().isOk();
        assertThat(catalog.forModel("gpt-4o")).extracting(DeploymentConfig::weight).containsExactly(5);

        send("DELETE", "/admin/v1/deployments/gpt4o-eu", null).expectStatus().isOk()
                .expectBody().json("{\"id\":\"gpt4o-eu\",\"object\":\"deployment\",\"deleted\":true}", true);
        assertThat(catalog.forModel("gpt-4o")).isEmpty();
        expectError(send("DELETE", "/admin/v1/deployments/gpt4o-eu", null), 404, "id", "deployment_not_found");
        expectError(send("PATCH", "/admin/v1/deployments/gpt4o-eu", "{\"weight\":1}"), 404, "id",
                "deployment_not_found");
    }

    @Test
    void deploymentRequestsNameTheFieldThatIsWrong() {
        String valid = """
                {"id":"d1","model":"m","provider":"openai","base_url":"https://api.example.com/v1"}""";
        expectError(send("POST", "/admin/v1/deployments", valid.replace("openai", "bogus")), 400, "provider",
                "invalid_value");
        expectError(send("POST", "/admin/v1/deployments", valid.replace(",\"base_url\":\"https://api.example.com/v1\"",
                "")), 400, "base_url", "missing_required_parameter");
        expectError(send("POST", "/admin/v1/deployments", valid.replace("https://api.example.com/v1", "ftp://x")),
                400, "base_url", "invalid_value");
        expectError(send("POST", "/admin/v1/deployments", valid.replace("}", ",\"pool\":{\"max_connections\":0}}")),
                400, "pool.max_connections", "invalid_value");
        expectError(send("POST", "/admin/v1/deployments", valid.replace("}", ",\"timeouts\":{\"total_ms\":-1}}")),
                400, "timeouts.total_ms", "invalid_value");
        expectError(send("POST", "/admin/v1/deployments", valid.replace("}",
                ",\"price\":{\"input_per_million\":\"-1\"}}")), 400, "price.input_per_million", "invalid_value");
        expectError(send("POST", "/admin/v1/deployments", valid.replace("}", ",\"weight\":-2}")), 400, "weight",
                "invalid_value");
        expectError(send("POST", "/admin/v1/deployments", valid.replace("}", ",\"pool\":{\"size\":3}}")), 400,
                "pool.size", "unknown_parameter");
        expectError(send("POST", "/admin/v1/deployments", valid.replace("\"model\":\"m\",", "")), 400, "model",
                "missing_required_parameter");

        // Configuration owns "echo": it is read-only here.
        expectError(send("POST", "/admin/v1/deployments", "{\"id\":\"echo\",\"model\":\"echo\",\"provider\":\"echo\"}"),
                409, "id", "deployment_in_configuration");
        expectError(send("PATCH", "/admin/v1/deployments/echo", "{\"weight\":2}"), 409, "id",
                "deployment_in_configuration");
        expectError(send("DELETE", "/admin/v1/deployments/echo", null), 409, "id", "deployment_in_configuration");
        assertThat(catalog.find("echo")).contains(ECHO);
        send("GET", "/admin/v1/deployments/d1", null).expectStatus().isNotFound();
    }
}
