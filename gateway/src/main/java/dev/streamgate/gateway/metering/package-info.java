/** Usage metering: one record per request id, written to PostgreSQL in batches off the request path. */
package dev.streamgate.gateway.metering;
