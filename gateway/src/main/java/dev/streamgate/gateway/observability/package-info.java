/**
 * Observability: metrics named after OpenTelemetry's GenAI semantic conventions plus the gateway's own, and each
 * request's W3C trace context, fixed once at the edge.
 */
package dev.streamgate.gateway.observability;
