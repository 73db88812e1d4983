package dev.streamgate.gateway.deployments;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.streamgate.config.DeploymentConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.scheduler.Schedulers;

/** The deployment repository and the instance's {@link DeploymentCatalog}, loaded before anything routes. */
@Configuration(proxyBeanMethods = false)
public class DeploymentsConfiguration {
    private static final Logger log = LoggerFactory.getLogger(DeploymentsConfiguration.class);

    @Bean
    public DeploymentRepository deploymentRepository(DatabaseClient db) {
        return new DeploymentRepository(db);
    }

    @Bean
    public PollingDeploymentCatalog deploymentCatalog(ConfiguredDeployments configured,
                                                      DeploymentRepository repository,
                                                      CatalogProperties properties) {
        List<DeploymentConfig> deployments = configured.toConfigs();
        // what is served, as configured, so that a replaced or disabled built-in is visible at a glance
        log.info("Configured deployments: {}", deployments.isEmpty() ? "none" : deployments.stream()
                .map(d -> d.id() + " (model " + d.model() + ", " + d.provider().name().toLowerCase(Locale.ROOT) + ")")
                .collect(Collectors.joining(", ")));
        PollingDeploymentCatalog catalog = new PollingDeploymentCatalog(deployments, repository,
                properties.pollInterval(), Schedulers.parallel());
        catalog.load(Duration.ofSeconds(30));
        return catalog;
    }
}
