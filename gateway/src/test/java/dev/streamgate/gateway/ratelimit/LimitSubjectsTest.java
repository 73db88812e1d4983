package dev.streamgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.auth.Principal;
import org.junit.jupiter.api.Test;

class LimitSubjectsTest {
    private final LimitSubjects subjects = new LimitSubjects("sg:rl:");

    private static Plan plan(long rpm) {
        return new Plan("pro", "Pro", new PlanLimits(rpm, 10_000, 4), new PlanLimits(rpm, 1_000, 2), Set.of(), 0);
    }

    @Test
    void aCallerGetsTheSameSubjectsAsBuiltFreshTenantFirst() {
        Plan plan = plan(60);
        Principal principal = new Principal("acme", "key1", "key1", Set.of(), plan);
        List<LimitSubject> cached = subjects.of(principal);
        assertThat(cached).containsExactly(LimitSubject.tenant(principal, "sg:rl:"),
                LimitSubject.key(principal, "sg:rl:"));
        assertThat(subjects.of(new Principal("acme", "key1", "key1", Set.of(), plan))).isSameAs(cached);
        assertThat(cached.get(1).bucketKey(Dimension.REQUESTS)).isEqualTo("sg:rl:acme:key:key1:requests:60");
        assertThat(cached.get(0).slotKey()).isEqualTo("sg:rl:acme:tenant:streams");
    }

    @Test
    void aNewPlanInstanceOrAnotherKeyGetsItsOwnSubjects() {
        Principal before = new Principal("acme", "key1", "key1", Set.of(), plan(60));
        Principal after = new Principal("acme", "key1", "key1", Set.of(), plan(120));
        Principal other = new Principal("acme", "key2", "key2", Set.of(), before.plan());
        assertThat(subjects.of(after).get(1).bucketKey(Dimension.REQUESTS)).endsWith(":requests:120");
        assertThat(subjects.of(before).get(1).bucketKey(Dimension.REQUESTS)).endsWith(":requests:60");
        assertThat(subjects.of(other).get(1).bucketKey(Dimension.REQUESTS)).contains(":key:key2:");
    }

    @Test
    void theCacheStaysBounded() {
        Plan plan = plan(60);
        for (int i = 0; i < LimitSubjects.MAX_ENTRIES + 10; i++) {
            subjects.of(new Principal("t" + i, "k", "k", Set.of(), plan));
        }
        assertThat(subjects.size()).isLessThanOrEqualTo(LimitSubjects.MAX_ENTRIES);
    }
}
