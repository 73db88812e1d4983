package dev.streamgate.gateway.ratelimit;

import java.util.Objects;

import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.auth.Principal;

/**
 * One party whose limits an admission checks: the tenant as a whole, or one key (or JWT subject) inside it.
 * Bucket keys carry the limit itself, so a plan change starts a fresh bucket instead of reading state that was
 * shaped by the old limit; the old bucket expires on its own. Stream slots are keyed without the limit because
 * the streams already open still count after a plan change.
 */
record LimitSubject(Type type, String description, PlanLimits limits, String requestsKey, String tokensKey,
                    String slotKey) {
    enum Type {
        TENANT("tenant"), KEY("key");

        private final String tag;

        Type(String tag) {
            this.tag = tag;
        }

        String tag() {
            return tag;
        }
    }

    LimitSubject {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(limits, "limits");
    }

    static LimitSubject tenant(Principal principal, String keyPrefix) {
        return of(Type.TENANT, "tenant " + principal.tenantId(), keyPrefix + principal.tenantId() + ":tenant",
                principal.plan().tenantLimits());
    }

    static LimitSubject key(Principal principal, String keyPrefix) {
        return of(Type.KEY, "key " + principal.limitKey() + " of tenant " + principal.tenantId(),
                keyPrefix + principal.tenantId() + ":key:" + principal.limitKey(), principal.plan().keyLimits());
    }

    /** The keys are built once here: a subject is asked for them several times per request. */
    private static LimitSubject of(Type type, String description, String keyBase, PlanLimits limits) {
        return new LimitSubject(type, description, limits,
                keyBase + ':' + Dimension.REQUESTS.tag() + ':' + limits.requestsPerMinute(),
                keyBase + ':' + Dimension.TOKENS.tag() + ':' + limits.tokensPerMinute(),
                keyBase + ":streams");
    }

    long limit(Dimension dimension) {
        return switch (dimension) {
            case REQUESTS -> limits.requestsPerMinute();
            case TOKENS -> limits.tokensPerMinute();
            case STREAMS -> limits.concurrentStreams();
        };
    }

    /** The bucket of a per-minute dimension; streams are counted in {@link #slotKey()}. */
    String bucketKey(Dimension dimension) {
        return switch (dimension) {
            case REQUESTS -> requestsKey;
            case TOKENS -> tokensKey;
            case STREAMS -> throw new IllegalArgumentException("streams are slots, not a bucket");
        };
    }
}
