package dev.streamgate.gateway.auth.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import reactor.core.publisher.Mono;

/**
 * Where the public keys that sign tokens come from. Implementations fetch without blocking; verification then
 * runs against the returned in-memory set.
 */
public interface JwkSetSource {
    /** The current key set. */
    Mono<JWKSet> keys();

    /**
     * The current key set, fetched again first if it lacks {@code keyId} and a fetch is allowed now (fetches for
     * unknown key ids are rate-limited). The result may still lack the key.
     */
    Mono<JWKSet> keysWith(String keyId);
}
