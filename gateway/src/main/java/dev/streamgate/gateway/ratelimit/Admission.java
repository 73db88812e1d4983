package dev.streamgate.gateway.ratelimit;

import dev.streamgate.gateway.auth.Principal;
import reactor.core.publisher.Mono;

/**
 * Admits a request against its tenant's and key's limits. {@code reservedTokens} is the prompt estimate plus the
 * completion tokens the request may produce; the grant reconciles it with the real usage when the request ends.
 * A refusal is a {@code GatewayException.RateLimited} error carrying {@code Retry-After} and the
 * {@code x-ratelimit-*} headers.
 */
public interface Admission {
    Mono<AdmissionGrant> admit(Principal principal, long reservedTokens);
}
