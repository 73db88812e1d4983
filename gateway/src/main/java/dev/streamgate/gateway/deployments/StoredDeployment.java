package dev.streamgate.gateway.deployments;

import dev.streamgate.config.DeploymentConfig;

/** A deployment registered in the database; a disabled one stays registered but receives no traffic. */
public record StoredDeployment(DeploymentConfig config, boolean enabled) {
}
