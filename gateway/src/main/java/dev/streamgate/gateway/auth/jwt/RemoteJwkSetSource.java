package dev.streamgate.gateway.auth.jwt;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.nimbusds.jose.jwk.JWKSet;
import dev.streamgate.gateway.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Keys fetched from a JWKS URL with a non-blocking Reactor Netty client and kept in memory.
 *
 * <ul>
 *   <li>The set is fetched on first use and again once it is older than {@code maxAge}.</li>
 *   <li>A token naming a {@code kid} the set lacks (the issuer rotated its keys) triggers a fetch, but at most one
 *       per {@code minRefetchInterval}: a flood of tokens with made-up key ids cannot turn the gateway into a
 *       load generator against the identity provider.</li>
 *   <li>Concurrent callers share one fetch. A failed fetch keeps the last good set; without one the request fails
 *       with 503, and the next attempt waits {@code minRefetchInterval}.</li>
 * </ul>
 */
public final class RemoteJwkSetSource implements JwkSetSource {
    private static final Logger log = LoggerFactory.getLogger(RemoteJwkSetSource.class);

    private final HttpClient http;
    private final URI url;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration minRefetchInterval;
    private final Duration timeout;

    private final Object lock = new Object();
    private JWKSet current;
    private Instant fetchedAt;
    private Instant lastAttempt;
    private Mono<JWKSet> inFlight;

    public RemoteJwkSetSource(HttpClient http, URI url, Clock clock, Duration maxAge, Duration minRefetchInterval,
                              Duration timeout) {
        this.http = http.responseTimeout(timeout);
        this.url = url;
        this.clock = clock;
        this.maxAge = maxAge;
        this.minRefetchInterval = minRefetchInterval;
        this.timeout = timeout;
    }

    public static RemoteJwkSetSource of(JwtSettings settings, Clock clock) {
        return new RemoteJwkSetSource(HttpClient.create(), settings.jwksUrl(), clock, settings.jwksMaxAge(),
                settings.jwksMinRefetchInterval(), settings.jwksTimeout());
    }

    @Override
    public Mono<JWKSet> keys() {
        return Mono.defer(() -> {
            synchronized (lock) {
                Instant now = clock.instant();
                if (current != null && now.isBefore(fetchedAt.plus(maxAge))) {
                    return Mono.just(current);
                }
                return inFlight != null ? inFlight : refetchAllowed(now) ? fetch(now) : lastGoodOrUnavailable();
            }
        });
    }

    @Override
    public Mono<JWKSet> keysWith(String keyId) {
        return Mono.defer(() -> {
            synchronized (lock) {
                if (current == null || current.getKeyByKeyId(keyId) == null) {
                    Instant now = clock.instant();
                    if (inFlight != null) {
                        return inFlight;
                    }
                    return refetchAllowed(now) ? fetch(now) : lastGoodOrUnavailable();
                }
            }
            return keys();
        });
    }

    private boolean refetchAllowed(Instant now) {
        return lastAttempt == null || !now.isBefore(lastAttempt.plus(minRefetchInterval));
    }

    private Mono<JWKSet> lastGoodOrUnavailable() {
        return current != null ? Mono.just(current) : Mono.error(RemoteJwkSetSource::unavailable);
    }

    /** Starts a shared fetch; called holding the lock. */
    private Mono<JWKSet> fetch(Instant now) {
        lastAttempt = now;
        Mono<JWKSet> fetch = download()
                .doOnNext(keys -> {
                    synchronized (lock) {
                        current = keys;
                        fetchedAt = clock.instant();
                        inFlight = null;
                    }
                    log.info("Fetched JWK set from {}: {} keys", url, keys.size());
                })
                .doOnError(e -> {
                    synchronized (lock) {
                        inFlight = null;
                    }
                    log.warn("Cannot fetch JWK set from {}: {}", url, e.toString());
                })
                // one download for every caller waiting on it; a caller that goes away does not cancel it
                .cache()
                .onErrorResume(e -> {
                    synchronized (lock) {
                        return lastGoodOrUnavailable();
                    }
                });
        inFlight = fetch;
        return fetch;
    }

    private Mono<JWKSet> download() {
        return http.get().uri(url).responseSingle((response, body) -> {
                    if (response.status().code() != 200) {
                        return Mono.error(new IllegalStateException("HTTP " + response.status().code()));
                    }
                    return body.asString(StandardCharsets.UTF_8);
                })
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("empty response")))
                .timeout(timeout)
                .map(json -> {
                    try {
                        return JWKSet.parse(json).toPublicJWKSet();
                    } catch (ParseException e) {
                        throw new IllegalStateException("not a JWK set: " + e.getMessage(), e);
                    }
                });
    }

    private static GatewayException unavailable() {
        return GatewayException.unavailable("jwks_unavailable",
                "The keys that verify bearer tokens cannot be fetched right now.");
    }
}
