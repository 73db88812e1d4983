package dev.streamgate.gateway.bootstrap;

import java.util.Set;

import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.tenancy.PlanRepository;
import dev.streamgate.gateway.tenancy.TenantRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Creates the {@code default} plan and the {@code demo} tenant when they are absent, and leaves them alone when they
 * exist (an operator may have changed them). Safe when several instances start at once: inserts skip existing ids.
 */
public final class DemoTenancySeeder {
    /** Generous enough that nobody trying the gateway out meets a limit by accident. */
    public static final Plan DEFAULT_PLAN = new Plan(DemoTenancy.DEFAULT_PLAN, "Default",
            new PlanLimits(10_000, 10_000_000, 1_000), new PlanLimits(5_000, 5_000_000, 500), Set.of(), 0);
    private static final Logger log = LoggerFactory.getLogger(DemoTenancySeeder.class);

    private final PlanRepository plans;
    private final TenantRepository tenants;

    public DemoTenancySeeder(PlanRepository plans, TenantRepository tenants) {
        this.plans = plans;
        this.tenants = tenants;
    }

    public Mono<DemoTenancy> seed() {
        return plans.insertIfAbsent(DEFAULT_PLAN)
                .doOnNext(created -> {
                    if (created) {
                        log.info("Created plan '{}'", DemoTenancy.DEFAULT_PLAN);
                    }
                })
                .then(tenants.insertIfAbsent(DemoTenancy.DEMO_TENANT, "Demo", DemoTenancy.DEFAULT_PLAN))
                .doOnNext(created -> {
                    if (created) {
                        log.info("Created tenant '{}' on plan '{}'", DemoTenancy.DEMO_TENANT, DemoTenancy.DEFAULT_PLAN);
                    }
                })
                .thenReturn(new DemoTenancy(DemoTenancy.DEMO_TENANT, DemoTenancy.DEFAULT_PLAN));
    }
}
