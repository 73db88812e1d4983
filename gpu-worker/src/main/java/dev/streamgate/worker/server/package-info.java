/**
 * The worker's own OpenAI-compatible HTTP server (Reactor Netty, no Spring): chat and text completions with SSE,
 * models, health and Prometheus metrics, plus the worker's {@code main}.
 */
package dev.streamgate.worker.server;
