/** {@code GET /v1/usage}: a tenant's tokens and cost by day and model, read from the metered usage records. */
package dev.streamgate.gateway.usage;
