package dev.streamgate.gateway.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.metering.UsageRecord;
import dev.streamgate.gateway.metering.UsageRecordWriter;
import dev.streamgate.gateway.testsupport.MigratedDatabase;
import dev.streamgate.gateway.testsupport.TestWebFilters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/** {@code GET /v1/usage} over real usage records. */
class UsageApiIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Plan PLAN = new Plan("p", "P", new PlanLimits(1, 1, 1), new PlanLimits(1, 1, 1), Set.of(), 0);
    private static final Clock TODAY = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

    private static MigratedDatabase db;
    private static UsageHandler handler;

    @BeforeAll
    static void records() {
        db = MigratedDatabase.create();
        db.client().sql("insert into plans (id, name, tenant_rpm, tenant_tpm, tenant_concurrent, key_rpm, key_tpm,"
                + " key_concurrent) values ('p', 'P', 1, 1, 1, 1, 1, 1)").then().block(TIMEOUT);
        db.client().sql("insert into tenants (id, name, plan_id) values ('acme', 'Acme', 'p'), "
                + "('globex', 'Globex', 'p')").then().block(TIMEOUT);
        new UsageRecordWriter(db.client()).write(List.of(
                usage("r1", "acme", "echo", 10, 20, "0.0004", "2026-11-26T00:00:00Z"),
                usage("r2", "acme", "echo", 5, 1, "0.0008", "2026-11-26T23:59:59.999Z"),
                usage("r3", "acme", "gpt-4o", 100, 50, "0.00075", "2026-11-26T08:00:00Z"),
                usage("r4", "acme", "echo", 1, 1, "0", "2026-11-27T00:00:00Z"),
                usage("r5", "acme", "echo", 7, 7, "1.5", "2026-11-25T23:59:59Z"),
                usage("r6", "globex", "echo", 999, 999, "9", "2026-11-26T10:00:00Z"))).block(TIMEOUT);
        handler = new UsageHandler(new UsageRepository(db.client()), TODAY);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static UsageRecord usage(String id, String tenant, String model, int prompt, int completion,
                                     String cost, String at) {
        return new UsageRecord(id, tenant, "k", model, model, prompt, completion, false, new BigDecimal(cost),
                UsageRecord.Status.COMPLETED, "stop", null, Duration.ofSeconds(1), Instant.parse(at));
    }

    private static WebTestClient client(String tenant) {
        var spec = WebTestClient.bindToRouterFunction(UsageConfiguration.routes(handler));
        if (tenant != null) {
            spec.webFilter(TestWebFilters.gatewayErrors(),
                    TestWebFilters.caller(new Principal(tenant, "k", "k", Set.of(), PLAN)));
        } else {
            spec.webFilter(TestWebFilters.gatewayErrors());
        }
        return spec.build();
    }

    @Test
    void sumsTheCallersOwnTenantByUtcDayAndModel() {
        client("acme").get().uri("/v1/usage?start=2026-11-26&end=2026-11-27").exchange()
                .expectStatus().isOk()
                .expectBody().json("""
                        {"object":"list","data":[
                          {"date":"2026-11-26","model":"echo","requests":2,"prompt_tokens":15,
                           "completion_tokens":21,"cost":"0.0012"},
                          {"date":"2026-11-26","model":"gpt-4o","requests":1,"prompt_tokens":100,
                           "completion_tokens":50,"cost":"0.00075"},
                          {"date":"2026-11-27","model":"echo","requests":1,"prompt_tokens":1,
                           "completion_tokens":1,"cost":"0"}]}""", true);
    }

    @Test
    void endDefaultsToTodayAndStartToEnd() {
        client("acme").get().uri("/v1/usage").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(1)
                .jsonPath("$.data[0].date").isEqualTo("2026-11-27");
        client("globex").get().uri("/v1/usage?start=2026-11-20").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.data[0].prompt_tokens").isEqualTo(999)
                .jsonPath("$.data.length()").isEqualTo(1);
        client("initech").get().uri("/v1/usage?start=2026-11-20").exchange()
                .expectStatus().isOk()
                .expectBody().json("{\"object\":\"list\",\"data\":[]}", true);
    }

    @Test
    void refusesBadDatesNamingTheParameter() {
        client("acme").get().uri("/v1/usage?start=2026-13-01").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("start")
                .jsonPath("$.error.code").isEqualTo("invalid_date");
        client("acme").get().uri("/v1/usage?start=2026-11-27&end=27.11.2026").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("end");
        client("acme").get().uri("/v1/usage?start=2026-11-28&end=2026-11-27").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("start")
                .jsonPath("$.error.code").isEqualTo("invalid_date_range");
        client("acme").get().uri("/v1/usage?start=2025-01-01&end=2026-11-27").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("end");
    }

    @Test
    void anUnauthenticatedCallIsRefused() {
        client(null).get().uri("/v1/usage").exchange().expectStatus().isUnauthorized();
    }
}
