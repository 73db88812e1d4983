package dev.streamgate.gateway.tenancy;

import com.github.benmanes.caffeine.cache.Ticker;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** Repositories for plans and tenants and the cached {@link TenantDirectory} the request path reads. */
@Configuration(proxyBeanMethods = false)
public class TenancyConfiguration {

    @Bean
    public PlanRepository planRepository(DatabaseClient db) {
        return new PlanRepository(db);
    }

    @Bean
    public TenantRepository tenantRepository(DatabaseClient db) {
        return new TenantRepository(db);
    }

    @Bean
    public CachedTenantDirectory tenantDirectory(TenantRepository tenants, TenancyProperties properties) {
        return new CachedTenantDirectory(tenants, properties.cacheTtl(), properties.cacheSize(), Ticker.systemTicker());
    }
}
