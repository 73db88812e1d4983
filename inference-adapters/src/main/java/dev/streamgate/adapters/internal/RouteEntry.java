package dev.streamgate.adapters.internal;

import dev.streamgate.config.DeploymentConfig;

/** One deployment of a model route: its configuration as of the last update, and its running state. */
public record RouteEntry(DeploymentConfig config, LiveDeployment live) {
}
