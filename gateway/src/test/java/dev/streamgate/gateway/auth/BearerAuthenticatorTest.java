package dev.streamgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.streamgate.gateway.auth.AuthenticationFailure.Reason;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class BearerAuthenticatorTest {
    private static final Duration LIMIT = Duration.ofSeconds(5);
    private static final String ADMIN_KEY = "bootstrap-admin-key-for-tests-0123456789";

    private final List<String> seenByKeys = new ArrayList<>();
    private final List<String> seenByJwts = new ArrayList<>();
    private final CredentialAuthenticator keys = credential -> {
        seenByKeys.add(credential);
        return Mono.just(new Principal("acme", "key_1", "key_1", Set.of(), TestTenants.PLAN));
    };
    private final CredentialAuthenticator jwts = credential -> {
        seenByJwts.add(credential);
        return Mono.just(new Principal("acme", null, "user-1", Set.of(), TestTenants.PLAN));
    };

    @Test
    void sendsJwtShapedCredentialsToTheJwtAuthenticatorAndTheRestToApiKeys() {
        var bearer = new BearerAuthenticator(keys, jwts, null);

        assertThat(bearer.authenticate("Bearer aaa.bbb.ccc").block(LIMIT).subject()).isEqualTo("user-1");
        assertThat(bearer.authenticate("Bearer sk-sg-something").block(LIMIT).subject()).isEqualTo("key_1");
        assertThat(bearer.authenticate("BEARER   sk-padded  ").block(LIMIT)).isNotNull();

        assertThat(seenByJwts).containsExactly("aaa.bbb.ccc");
        assertThat(seenByKeys).containsExactly("sk-sg-something", "sk-padded");
    }

    @Test
    void refusesJwtsWhenJwtIsNotConfigured() {
        refused(new BearerAuthenticator(keys, null, null), "Bearer aaa.bbb.ccc", Reason.JWT_NOT_CONFIGURED);
        assertThat(seenByKeys).isEmpty();
    }

    @Test
    void refusesMissingAndNonBearerCredentials() {
        var bearer = new BearerAuthenticator(keys, jwts, null);

        refused(bearer, null, Reason.MISSING_CREDENTIALS);
        refused(bearer, "  ", Reason.MISSING_CREDENTIALS);
        refused(bearer, "Bearer    ", Reason.MISSING_CREDENTIALS);
        refused(bearer, "Basic dXNlcjpwYXNz", Reason.MALFORMED_CREDENTIALS);
        refused(bearer, "Bearersk-sg-glued", Reason.MALFORMED_CREDENTIALS);
        assertThat(seenByKeys).isEmpty();
    }

    @Test
    void theBootstrapAdminKeyIsAnAdminOfNoTenantAndNearMissesAreJustKeys() {
        var bearer = new BearerAuthenticator(keys, jwts, ADMIN_KEY);

        Principal admin = bearer.authenticate("Bearer " + ADMIN_KEY).block(LIMIT);
        assertThat(admin.isAdmin()).isTrue();
        assertThat(admin.tenantId()).isNull();
        assertThat(admin.subject()).isEqualTo(BearerAuthenticator.ADMIN_KEY_SUBJECT);
        assertThat(seenByKeys).isEmpty();

        for (String nearMiss : List.of(ADMIN_KEY + "x", ADMIN_KEY.substring(1), ADMIN_KEY.toUpperCase())) {
            assertThat(bearer.authenticate("Bearer " + nearMiss).block(LIMIT).isAdmin()).isFalse();
        }
        assertThat(seenByKeys).hasSize(3);
    }

    private static void refused(BearerAuthenticator bearer, String header, Reason reason) {
        StepVerifier.create(bearer.authenticate(header))
                .expectErrorSatisfies(e -> assertThat(((AuthenticationFailure) e).reason()).isEqualTo(reason))
                .verify(LIMIT);
    }
}
