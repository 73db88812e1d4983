/** Metrics named after OpenTelemetry's GenAI semantic conventions, plus the gateway's own. */
package dev.streamgate.gateway.observability;
