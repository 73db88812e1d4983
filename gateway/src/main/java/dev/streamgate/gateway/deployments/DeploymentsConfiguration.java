package dev.streamgate.gateway.deployments;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.scheduler.Schedulers;

/** The deployment repository and the instance's {@link DeploymentCatalog}, loaded before anything routes. */
@Configuration(proxyBeanMethods = false)
public class DeploymentsConfiguration {

    @Bean
    public DeploymentRepository deploymentRepository(DatabaseClient db) {
        return new DeploymentRepository(db);
    }

    @Bean
    public PollingDeploymentCatalog deploymentCatalog(ConfiguredDeployments configured,
                                                      DeploymentRepository repository,
                                                      CatalogProperties properties) {
        PollingDeploymentCatalog catalog = new PollingDeploymentCatalog(configured.toConfigs(), repository,
                properties.pollInterval(), Schedulers.parallel());
        catalog.load(Duration.ofSeconds(30));
        return catalog;
    }
}
