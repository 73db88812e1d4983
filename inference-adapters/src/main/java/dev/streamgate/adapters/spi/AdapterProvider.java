package dev.streamgate.adapters.spi;

import dev.streamgate.config.DeploymentConfig;

/**
 * Creates the adapter for one deployment of a given {@link dev.streamgate.config.ProviderKind}. New backends (the
 * GPU worker, other wire protocols) plug in by registering a provider with
 * {@link dev.streamgate.adapters.AdapterFactory#with}. Creating an adapter must not do I/O: connections are opened
 * lazily, by the first stream.
 */
@FunctionalInterface
public interface AdapterProvider {

    /** @throws dev.streamgate.config.ConfigException when the deployment's settings do not suit this provider */
    InferenceAdapter create(DeploymentConfig deployment);
}
