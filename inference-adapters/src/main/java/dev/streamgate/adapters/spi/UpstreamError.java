package dev.streamgate.adapters.spi;

/**
 * The OpenAI-style error object an upstream answered a request it rejected with ({@code {"error":{"message",
 * "type","param","code"}}}), kept so that the gateway can hand the caller the upstream's own 4xx rather than a
 * 502 that SDKs would retry. Any field but the message may be null.
 */
public record UpstreamError(String type, String code, String param, String message) {
}
