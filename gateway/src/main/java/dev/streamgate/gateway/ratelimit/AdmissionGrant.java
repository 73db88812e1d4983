package dev.streamgate.gateway.ratelimit;

import java.util.Map;

import reactor.core.publisher.Mono;

/**
 * An admitted request's hold on its limits: a concurrent-stream slot and reserved tokens.
 * {@link #complete(long)} must be called exactly once when the request ends, however it ends; further calls
 * are ignored.
 */
public interface AdmissionGrant {
    /** OpenAI's {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-tokens}, ... headers. */
    Map<String, String> headers();

    /** Releases the stream slot and returns (or charges) the difference between reserved and used tokens. */
    Mono<Void> complete(long usedTokens);
}
