package dev.streamgate.adapters.internal;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The order in which one request tries a model's deployments: first one drawn at random in proportion to the
 * weights, then the others, heaviest first. A deployment whose circuit is open is skipped (and not offered
 * again). Weight 0 keeps a deployment out of the draw but available as a fallback: a hot standby.
 *
 * <p>Used by one request at a time, never concurrently.
 */
public final class CandidateOrder {
    private final List<RouteEntry> entries;
    private final RandomGenerator random;
    private final boolean[] offered;
    private boolean drawn;

    CandidateOrder(List<RouteEntry> entries, RandomGenerator random) {
        this.entries = entries;
        this.random = random;
        this.offered = new boolean[entries.size()];
    }

    /** The next deployment to try, already leased (see {@link LiveDeployment#tryAcquire()}); null when none is left. */
    public RouteEntry next() {
        if (!drawn) {
            drawn = true;
            RouteEntry drawnEntry = draw();
            if (drawnEntry != null) {
                return drawnEntry;
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            if (!offered[i]) {
                offered[i] = true;
                if (entries.get(i).live().tryAcquire()) {
                    return entries.get(i);
                }
            }
        }
        return null;
    }

    private RouteEntry draw() {
        while (true) {
            long total = 0;
            for (int i = 0; i < entries.size(); i++) {
                if (!offered[i]) {
                    total += entries.get(i).config().weight();
                }
            }
            if (total == 0) {
                return null;
            }
            long ticket = random.nextLong(total);
            for (int i = 0; i < entries.size(); i++) {
                int weight = entries.get(i).config().weight();
                if (offered[i] || weight == 0) {
                    continue;
                }
                if (ticket < weight) {
                    offered[i] = true;
                    if (entries.get(i).live().tryAcquire()) {
                        return entries.get(i);
                    }
                    break;
                }
                ticket -= weight;
            }
        }
    }
}
