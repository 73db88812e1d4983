package dev.streamgate.gateway.ratelimit;

import dev.streamgate.adapters.MutableClock;
import static dev.streamgate.gateway.ratelimit.RateLimitHeaders.LIMIT_REQUESTS;
import static dev.streamgate.gateway.ratelimit.RateLimitHeaders.LIMIT_TOKENS;
import static dev.streamgate.gateway.ratelimit.RateLimitHeaders.REMAINING_REQUESTS;
import static dev.streamgate.gateway.ratelimit.RateLimitHeaders.REMAINING_TOKENS;
import static dev.streamgate.gateway.ratelimit.RateLimitHeaders.RESET_REQUESTS;
import static dev.streamgate.gateway.ratelimit.RateLimitHeaders.RESET_TOKENS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.error.GatewayException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The rate-limit policy every {@link LimitStore} must give: run by the local store's test and by the Redis
 * store's integration test. Time stands still unless a test moves {@link #clock}.
 */
abstract class AdmissionContract {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    protected final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    protected final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
    protected final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    protected final String tenant = "tenant-" + UUID.randomUUID().toString().substring(0, 8);
    protected Admission admission;

    /** The admission under test, on {@link #clock}, {@link #scheduler} and {@link #registry}. */
    protected abstract Admission createAdmission();

    @BeforeEach
    void createAdmissionUnderTest() {
        admission = createAdmission();
    }

    @AfterEach
    void closeAdmission() throws Exception {
        ((AutoCloseable) admission).close();
        scheduler.dispose();
    }

    @Test
    void keyRequestsPerMinuteAreEnforcedAndRefillGreedily() {
        Principal key = principal("k1", limits(100, 100_000, 10), limits(3, 100_000, 10));
        assertThat(admit(key, 10).headers()).containsEntry(REMAINING_REQUESTS, "2");
        admit(key, 10);
        assertThat(admit(key, 10).headers()).containsEntry(REMAINING_REQUESTS, "0").containsEntry(LIMIT_REQUESTS, "3");

        GatewayException refusal = refuse(key, 10);

        assertThat(refusal.status()).isEqualTo(429);
        assertThat(refusal.type()).isEqualTo("rate_limit_error");
        assertThat(refusal.code()).isEqualTo("rate_limit_exceeded");
        assertThat(refusal.getMessage()).contains("key k1 of tenant " + tenant, "requests per min (RPM)", "Limit 3",
                "Used 3", "Requested 1", "Please try again in 20s");
        assertThat(refusal.headers()).containsEntry("Retry-After", "20").containsEntry(LIMIT_REQUESTS, "3")
                .containsEntry(REMAINING_REQUESTS, "0").containsEntry(RESET_REQUESTS, "1m0s");
        assertThat(rejections("requests", "key")).isEqualTo(1);

        clock.advance(Duration.ofSeconds(20));
        assertThat(admit(key, 10).headers()).containsEntry(REMAINING_REQUESTS, "0");
        refuse(key, 10);
    }

    @Test
    void keysShareTheirTenantsLimitAndARefusalByOneCostsTheOtherNothing() {
        PlanLimits tenantLimits = limits(3, 100_000, 10);
        Principal a = principal("a", tenantLimits, limits(1, 100_000, 10));
        Principal b = principal("b", tenantLimits, limits(10, 100_000, 10));

        admit(a, 10);
        refuse(a, 10);
        refuse(a, 10);
        // Had a's refused attempts kept the tenant's request, b would be refused here already.
        admit(b, 10);
        admit(b, 10);
        GatewayException refusal = refuse(b, 10);

        assertThat(refusal.getMessage()).contains("Rate limit reached for tenant " + tenant, "Limit 3");
        assertThat(refusal.headers()).containsEntry("Retry-After", "20").containsEntry(LIMIT_REQUESTS, "3")
                .containsEntry(REMAINING_REQUESTS, "0");
        assertThat(rejections("requests", "key")).isEqualTo(2);
        assertThat(rejections("requests", "tenant")).isEqualTo(1);
    }

    @Test
    void tokensAreReservedAtAdmissionAndUnusedOnesRefundedAtCompletion() {
        Principal key = principal("k", limits(100, 100_000, 10), limits(100, 1_000, 10));
        AdmissionGrant first = admit(key, 600);
        assertThat(first.headers()).containsEntry(LIMIT_TOKENS, "1000").containsEntry(REMAINING_TOKENS, "400")
                .containsEntry(RESET_TOKENS, "36s");

        GatewayException refusal = refuse(key, 600);
        assertThat(refusal.code()).isEqualTo("rate_limit_exceeded");
        assertThat(refusal.getMessage()).contains("tokens per min (TPM)", "Limit 1000", "Used 600", "Requested 600");
        // 200 tokens short at 1000 a minute: 12 s.
        assertThat(refusal.headers()).containsEntry("Retry-After", "12").containsEntry(REMAINING_TOKENS, "400")
                .containsEntry(REMAINING_REQUESTS, "99");

        complete(first, 100);

        assertThat(admit(key, 600).headers()).containsEntry(REMAINING_TOKENS, "300");
        assertThat(rejections("tokens", "key")).isEqualTo(1);
    }

    @Test
    void usageBeyondTheReservationIsChargedToKeyAndTenant() {
        PlanLimits tenantLimits = limits(100, 2_000, 10);
        Principal tight = principal("tight", tenantLimits, limits(100, 1_000, 10));
        Principal loose = principal("loose", tenantLimits, limits(100, 5_000, 10));

        complete(admit(tight, 100), 400);

        assertThat(admit(tight, 1).headers()).containsEntry(LIMIT_TOKENS, "1000").containsEntry(REMAINING_TOKENS, "599");
        assertThat(admit(loose, 1).headers()).containsEntry(LIMIT_TOKENS, "2000").containsEntry(REMAINING_TOKENS, "1598");
    }

    @Test
    void anOverageBeyondTheBucketPutsItInDebtWithoutFailingTheRequest() {
        Principal key = principal(tenant + "-debt", "k", limits(100, 1_000, 10), limits(100, 1_000, 10));
        AdmissionGrant all = admit(key, 1_000);

        complete(all, 3_000);

        // 2000 tokens in debt plus the one asked for, at one token per 60 ms.
        GatewayException refusal = refuse(key, 1);
        assertThat(refusal.headers()).containsEntry("Retry-After", "121").containsEntry(REMAINING_TOKENS, "0");
    }

    @Test
    void concurrentStreamSlotsAreReleasedExactlyOnce() {
        Principal key = principal("k", limits(100, 100_000, 10), limits(100, 1_000, 2));
        AdmissionGrant first = admit(key, 100);
        admit(key, 100);

        GatewayException refusal = refuse(key, 100);
        assertThat(refusal.status()).isEqualTo(429);
        assertThat(refusal.code()).isEqualTo("concurrency_limit_exceeded");
        assertThat(refusal.getMessage()).contains("concurrent requests for key k of tenant " + tenant, "Limit 2", "In use 2");
        assertThat(refusal.headers()).containsEntry("Retry-After", "1").containsEntry(REMAINING_REQUESTS, "98")
                .containsEntry(REMAINING_TOKENS, "800");

        complete(first, 10);
        complete(first, 10);
        StepVerifier.create(first.complete(10)).expectComplete().verify(TIMEOUT);

        // One slot and one refund of 90 tokens came back, not two of each.
        assertThat(admit(key, 100).headers()).containsEntry(REMAINING_TOKENS, "790");
        assertThat(refuse(key, 100).code()).isEqualTo("concurrency_limit_exceeded");
        assertThat(rejections("concurrency", "key")).isEqualTo(2);
    }

    @Test
    void theTenantsStreamLimitHoldsAcrossKeysAndARefusalReleasesTheKeysSlot() {
        PlanLimits tenantLimits = limits(100, 100_000, 1);
        Principal a = principal("a", tenantLimits, limits(100, 100_000, 5));
        Principal b = principal("b", tenantLimits, limits(100, 100_000, 1));
        AdmissionGrant streaming = admit(a, 10);

        GatewayException refusal = refuse(b, 10);
        assertThat(refusal.getMessage()).contains("concurrent requests for tenant " + tenant, "Limit 1");
        assertThat(rejections("concurrency", "tenant")).isEqualTo(1);

        complete(streaming, 10);
        // b's own limit is one stream: had the refused attempt kept its key slot, this would be refused.
        admit(b, 10);
    }

    @Test
    void aRequestThatCanNeverFitIsABadRequestAndTakesNothing() {
        Principal key = principal("k", limits(100, 100_000, 10), limits(100, 1_000, 10));

        StepVerifier.create(admission.admit(key, 1_001))
                .expectErrorSatisfies(error -> {
                    GatewayException invalid = (GatewayException) error;
                    assertThat(invalid.status()).isEqualTo(400);
                    assertThat(invalid.type()).isEqualTo("invalid_request_error");
                    assertThat(invalid.param()).isEqualTo("max_tokens");
                    assertThat(invalid.code()).isEqualTo("request_too_large");
                    assertThat(invalid.getMessage()).contains("reserves 1001 tokens",
                            "1000 tokens per minute allowed for key k of tenant " + tenant);
                })
                .verify(TIMEOUT);

        assertThat(admit(key, 1_000).headers()).containsEntry(REMAINING_TOKENS, "0")
                .containsEntry(REMAINING_REQUESTS, "99");
        assertThat(rejections("too_large", "key")).isEqualTo(1);
    }

    @Test
    void anAdmissionReportsTheTighterSubjectInOpenAiHeaders() {
        Principal key = principal("k", limits(600, 100_000, 10), limits(60, 1_000, 10));

        assertThat(admit(key, 100).headers()).containsExactly(
                entry(LIMIT_REQUESTS, "60"),
                entry(LIMIT_TOKENS, "1000"),
                entry(REMAINING_REQUESTS, "59"),
                entry(REMAINING_TOKENS, "900"),
                entry(RESET_REQUESTS, "1s"),
                entry(RESET_TOKENS, "6s"));
    }

    @Test
    void aReservationCostsAtLeastOneTokenAndCannotBeNegative() {
        Principal key = principal("k", limits(100, 100_000, 10), limits(100, 1_000, 10));

        assertThat(admit(key, 0).headers()).containsEntry(REMAINING_TOKENS, "999");
        StepVerifier.create(admission.admit(key, -1))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("reservedTokens"))
                .verify(TIMEOUT);
    }

    // --- helpers

    static PlanLimits limits(long requestsPerMinute, long tokensPerMinute, int concurrentStreams) {
        return new PlanLimits(requestsPerMinute, tokensPerMinute, concurrentStreams);
    }

    Principal principal(String keyId, PlanLimits tenantLimits, PlanLimits keyLimits) {
        return principal(tenant, keyId, tenantLimits, keyLimits);
    }

    static Principal principal(String tenantId, String keyId, PlanLimits tenantLimits, PlanLimits keyLimits) {
        Plan plan = new Plan("plan-" + keyId, "Plan " + keyId, tenantLimits, keyLimits, Set.of(), 0);
        return new Principal(tenantId, keyId, keyId, Set.of(), plan);
    }

    AdmissionGrant admit(Principal principal, long reservedTokens) {
        return admit(admission, principal, reservedTokens);
    }

    static AdmissionGrant admit(Admission admission, Principal principal, long reservedTokens) {
        AtomicReference<AdmissionGrant> grant = new AtomicReference<>();
        StepVerifier.create(admission.admit(principal, reservedTokens))
                .consumeNextWith(grant::set)
                .expectComplete()
                .verify(TIMEOUT);
        return grant.get();
    }

    GatewayException refuse(Principal principal, long reservedTokens) {
        return refuse(admission, principal, reservedTokens);
    }

    static GatewayException refuse(Admission admission, Principal principal, long reservedTokens) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        StepVerifier.create(admission.admit(principal, reservedTokens))
                .expectErrorSatisfies(error::set)
                .verify(TIMEOUT);
        assertThat(error.get()).isInstanceOf(GatewayException.class);
        return (GatewayException) error.get();
    }

    static void complete(AdmissionGrant grant, long usedTokens) {
        StepVerifier.create(grant.complete(usedTokens)).expectComplete().verify(TIMEOUT);
    }

    double rejections(String reason, String subject) {
        var counter = registry.find(RateLimitMetrics.REJECTIONS).tag("reason", reason).tag("subject", subject).counter();
        return counter == null ? 0 : counter.count();
    }
}
