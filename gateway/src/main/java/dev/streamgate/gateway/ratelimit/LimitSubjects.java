package dev.streamgate.gateway.ratelimit;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.streamgate.config.Plan;
import dev.streamgate.gateway.auth.Principal;

/**
 * The two subjects a caller's request is checked against (its tenant, then its key), built once per tenant, key
 * and plan instead of on every request: their bucket keys are strings of four parts each. A plan is told apart by
 * identity, so a tenant whose plan changed (a new instance from the directory) gets new subjects at once. The
 * cache is dropped whole when it reaches {@value #MAX_ENTRIES} entries: rebuilding costs one request's strings.
 */
final class LimitSubjects {
    static final int MAX_ENTRIES = 10_000;

    private final String keyPrefix;
    private final ConcurrentHashMap<Caller, List<LimitSubject>> cache = new ConcurrentHashMap<>();

    LimitSubjects(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /** The tenant's subject first, then the key's. */
    List<LimitSubject> of(Principal principal) {
        Caller caller = new Caller(principal.tenantId(), principal.keyId(), principal.subject(), principal.plan());
        List<LimitSubject> subjects = cache.get(caller);
        if (subjects == null) {
            subjects = List.of(LimitSubject.tenant(principal, keyPrefix), LimitSubject.key(principal, keyPrefix));
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
            cache.put(caller, subjects);
        }
        return subjects;
    }

    int size() {
        return cache.size();
    }

    /** What the subjects depend on; the plan by identity (a record's equality would compare it field by field). */
    private record Caller(String tenantId, String keyId, String subject, Plan plan) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Caller that && plan == that.plan && Objects.equals(tenantId, that.tenantId)
                    && Objects.equals(keyId, that.keyId) && Objects.equals(subject, that.subject);
        }

        @Override
        public int hashCode() {
            int hash = Objects.hashCode(tenantId);
            hash = 31 * hash + Objects.hashCode(keyId);
            hash = 31 * hash + Objects.hashCode(subject);
            return 31 * hash + System.identityHashCode(plan);
        }
    }
}
