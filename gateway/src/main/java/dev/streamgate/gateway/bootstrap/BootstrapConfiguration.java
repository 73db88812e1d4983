package dev.streamgate.gateway.bootstrap;

import java.time.Duration;

import dev.streamgate.gateway.tenancy.PlanRepository;
import dev.streamgate.gateway.tenancy.TenantRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/** Seeds the demo tenancy at start-up, before the web server opens (see {@link SeedDemoTenancyCondition}). */
@Configuration(proxyBeanMethods = false)
public class BootstrapConfiguration {

    @Bean
    @Conditional(SeedDemoTenancyCondition.class)
    public DemoTenancy demoTenancy(PlanRepository plans, TenantRepository tenants) {
        // Blocking is fine here: bean creation runs once, on the main thread, before any request is served.
        return new DemoTenancySeeder(plans, tenants).seed().block(Duration.ofSeconds(30));
    }
}
