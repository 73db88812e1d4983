package dev.streamgate.gateway.routing;

import java.time.Clock;

import dev.streamgate.adapters.AdapterFactory;
import dev.streamgate.adapters.DeploymentRouter;
import dev.streamgate.adapters.EventLoopTimer;
import dev.streamgate.gateway.deployments.DeploymentCatalog;
import dev.streamgate.gateway.worker.WorkerAdapters;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;

/**
 * One {@link DeploymentRouter} for the application. Deployments registered or changed through the admin API (on
 * any instance) reach it through the catalog's change feed; the router closes the pools of removed deployments.
 */
@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {
    private static final Logger log = LoggerFactory.getLogger(RoutingConfiguration.class);

    @Bean(destroyMethod = "close")
    DeploymentRouter deploymentRouter(DeploymentCatalog catalog, RoutingProperties properties,
                                      MeterRegistry registry, Clock clock, EventLoopTimer requestTimer) {
        AdapterFactory adapters = WorkerAdapters.register(AdapterFactory.standard(clock, requestTimer), registry);
        return DeploymentRouter.builder(adapters)
                .retry(properties.retry())
                .circuitBreaker(properties.circuitBreaker())
                .meterRegistry(registry)
                .clock(clock)
                .deployments(catalog.deployments())
                .build();
    }

    @Bean(destroyMethod = "dispose")
    Disposable deploymentRouterUpdates(DeploymentCatalog catalog, DeploymentRouter router) {
        return catalog.changes().subscribe(deployments -> {
            router.update(deployments);
            log.info("Routing {} deployment(s) for model(s) {}", deployments.size(), router.models());
        }, error -> log.error("The deployment catalog's change feed failed; routing stays as it is", error));
    }
}
