package dev.streamgate.gateway.ratelimit;

import java.util.Map;

import reactor.core.publisher.Mono;

/**
 * The grant of the {@code allow} failure policy (fail open): nothing was counted, so there is nothing to
 * reconcile, and no {@code x-ratelimit-*} headers, since no limit was read.
 */
enum UnlimitedGrant implements AdmissionGrant {
    INSTANCE;

    @Override
    public Map<String, String> headers() {
        return Map.of();
    }

    @Override
    public Mono<Void> complete(long usedTokens) {
        return Mono.empty();
    }
}
