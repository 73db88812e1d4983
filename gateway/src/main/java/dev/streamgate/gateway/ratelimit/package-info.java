/**
 * Admission: requests and tokens per minute and concurrent streams, per tenant and per key, in Bucket4j buckets on
 * Redis (shared by every gateway instance) or in memory, with OpenAI's {@code x-ratelimit-*} headers and an explicit
 * policy for when Redis does not answer. {@link dev.streamgate.gateway.ratelimit.RateLimitConfiguration} wires it.
 */
package dev.streamgate.gateway.ratelimit;
