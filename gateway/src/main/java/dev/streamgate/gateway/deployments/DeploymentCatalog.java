package dev.streamgate.gateway.deployments;

import java.util.List;
import java.util.Optional;

import dev.streamgate.config.DeploymentConfig;
import reactor.core.publisher.Flux;

/**
 * Every deployment that may receive traffic: those defined in configuration and the enabled ones registered in the
 * database. The router reads {@link #deployments()} once and then follows {@link #changes()}.
 */
public interface DeploymentCatalog {

    /** The current deployments, configuration-defined first, then database ones ordered by id. */
    List<DeploymentConfig> deployments();

    /**
     * The current list at once, then each new list whenever a deployment is added, changed, disabled or removed
     * (on any instance). Never completes while the application runs.
     */
    Flux<List<DeploymentConfig>> changes();

    default Optional<DeploymentConfig> find(String id) {
        return deployments().stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** The deployments serving one model alias; empty when the alias is unknown. */
    default List<DeploymentConfig> forModel(String model) {
        return deployments().stream().filter(d -> d.model().equals(model)).toList();
    }

    /** A catalog that never changes, for tests and tools. */
    static DeploymentCatalog of(List<DeploymentConfig> deployments) {
        List<DeploymentConfig> copy = List.copyOf(deployments);
        return new DeploymentCatalog() {
            @Override
            public List<DeploymentConfig> deployments() {
                return copy;
            }

            @Override
            public Flux<List<DeploymentConfig>> changes() {
                return Flux.<List<DeploymentConfig>>just(copy).concatWith(Flux.never());
            }
        };
    }
}
