/**
 * Model deployments: those defined in configuration merged with those registered in PostgreSQL, published to the
 * router as one catalog that follows database changes on every instance.
 */
package dev.streamgate.gateway.deployments;
