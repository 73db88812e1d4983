/**
 * Benchmarks of the gateway: a fake OpenAI-compatible upstream, a load generator that measures latency, time to first
 * chunk, throughput and CPU, and the report that sets a run through the gateway against the same load sent direct.
 */
package dev.streamgate.bench;
