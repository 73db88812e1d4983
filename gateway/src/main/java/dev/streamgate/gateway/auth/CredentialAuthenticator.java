package dev.streamgate.gateway.auth;

import reactor.core.publisher.Mono;

/**
 * Turns one kind of bearer credential (an API key, a JWT) into a {@link Principal}. Refusals are signalled as
 * {@link AuthenticationFailure} errors; any other error means the credential could not be checked (e.g. the
 * database is down).
 */
@FunctionalInterface
public interface CredentialAuthenticator {
    Mono<Principal> authenticate(String credential);
}
