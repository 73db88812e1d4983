package dev.streamgate.gateway.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.testsupport.MigratedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import reactor.test.StepVerifier;

/** Plan and tenant repositories and the cached directory, against PostgreSQL. */
class TenancyIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TTL = Duration.ofSeconds(3);

    private static MigratedDatabase db;
    private static PlanRepository plans;
    private static TenantRepository tenants;

    @BeforeAll
    static void database() {
        db = MigratedDatabase.create();
        plans = new PlanRepository(db.client());
        tenants = new TenantRepository(db.client());
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static Plan plan(String id, long tenantRpm, String... models) {
        return new Plan(id, "Plan " + id, new PlanLimits(tenantRpm, 100_000, 10), new PlanLimits(60, 50_000, 5),
                Set.of(models), 3);
    }

    @Test
    void storesPlansAndRefusesDuplicateIds() {
        Plan pro = plan("pro", 600, "gpt-4o", "echo");

        StepVerifier.create(plans.insert(pro)).expectNext(pro).expectComplete().verify(TIMEOUT);
        StepVerifier.create(plans.find("pro")).expectNext(pro).expectComplete().verify(TIMEOUT);
        StepVerifier.create(plans.insert(plan("pro", 1))).expectError(DuplicateKeyException.class).verify(TIMEOUT);
        StepVerifier.create(plans.insertIfAbsent(plan("pro", 1))).expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(plans.find("pro")).expectNext(pro).expectComplete().verify(TIMEOUT);

        Plan changed = plan("pro", 900);
        StepVerifier.create(plans.update(changed)).expectNext(changed).expectComplete().verify(TIMEOUT);
        StepVerifier.create(plans.find("pro")).expectNext(changed).expectComplete().verify(TIMEOUT);
        StepVerifier.create(plans.update(plan("missing", 1))).expectComplete().verify(TIMEOUT);
        StepVerifier.create(plans.find("missing")).expectComplete().verify(TIMEOUT);
    }

    @Test
    void readsTenantsWithTheirPlan() {
        Plan team = plan("team", 300, "echo");
        plans.insert(team).block(TIMEOUT);

        StepVerifier.create(tenants.insert("acme", "Acme", "team", false))
                .expectNext(new Tenant("acme", "Acme", team, false)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(tenants.insert("acme", "Again", "team", false))
                .expectError(DuplicateKeyException.class).verify(TIMEOUT);
        StepVerifier.create(tenants.insert("ghost", "Ghost", "no-such-plan", false))
                .expectError(DataIntegrityViolationException.class).verify(TIMEOUT);
        StepVerifier.create(tenants.insertIfAbsent("acme", "Other", "team"))
                .expectNext(false).expectComplete().verify(TIMEOUT);

        StepVerifier.create(tenants.update("acme", "Acme Inc", "team", true))
                .expectNext(new Tenant("acme", "Acme Inc", team, true)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(tenants.update("nobody", "N", "team", true)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(tenants.findAll("team").map(Tenant::id).collectList())
                .expectNext(java.util.List.of("acme")).expectComplete().verify(TIMEOUT);
        StepVerifier.create(tenants.findAll("no-such-plan")).expectComplete().verify(TIMEOUT);
    }

    @Test
    void directoryServesFromCacheUntilTheTtlAndForgetsOnInvalidation() {
        plans.insert(plan("basic", 10)).block(TIMEOUT);
        tenants.insert("initech", "Initech", "basic", false).block(TIMEOUT);
        AtomicLong nanos = new AtomicLong();
        CachedTenantDirectory directory = new CachedTenantDirectory(tenants, TTL, 1000, nanos::get);

        StepVerifier.create(directory.find("initech").map(t -> t.plan().tenantLimits().requestsPerMinute()))
                .expectNext(10L).expectComplete().verify(TIMEOUT);

        // Another instance raises the plan's limit and disables the tenant.
        plans.update(plan("basic", 20)).block(TIMEOUT);
        tenants.update("initech", "Initech", "basic", true).block(TIMEOUT);
        nanos.addAndGet(TTL.toNanos() - 1);
        StepVerifier.create(directory.find("initech").map(Tenant::disabled))
                .expectNext(false).expectComplete().verify(TIMEOUT);

        nanos.addAndGet(1);
        StepVerifier.create(directory.find("initech"))
                .assertNext(t -> {
                    assertThat(t.disabled()).isTrue();
                    assertThat(t.plan().tenantLimits().requestsPerMinute()).isEqualTo(20);
                })
                .expectComplete().verify(TIMEOUT);

        tenants.update("initech", "Initech", "basic", false).block(TIMEOUT);
        directory.invalidate("initech");
        StepVerifier.create(directory.find("initech").map(Tenant::disabled))
                .expectNext(false).expectComplete().verify(TIMEOUT);
    }

    @Test
    void directoryRemembersUnknownTenantsForTheTtlToo() {
        plans.insert(plan("late", 10)).block(TIMEOUT);
        AtomicLong nanos = new AtomicLong();
        CachedTenantDirectory directory = new CachedTenantDirectory(tenants, TTL, 1000, nanos::get);

        StepVerifier.create(directory.find("newcomer")).expectComplete().verify(TIMEOUT);
        tenants.insert("newcomer", "Newcomer", "late", false).block(TIMEOUT);
        StepVerifier.create(directory.find("newcomer")).expectComplete().verify(TIMEOUT);

        directory.invalidateAll();
        StepVerifier.create(directory.find("newcomer").map(Tenant::id))
                .expectNext("newcomer").expectComplete().verify(TIMEOUT);
        StepVerifier.create(directory.find("")).expectComplete().verify(TIMEOUT);
    }
}
