package dev.streamgate.config;

/** Limits enforced by admission for one subject (a tenant or one of its keys). */
public record PlanLimits(long requestsPerMinute, long tokensPerMinute, int concurrentStreams) {
    public PlanLimits {
        Checks.positive(requestsPerMinute, "requestsPerMinute");
        Checks.positive(tokensPerMinute, "tokensPerMinute");
        Checks.positive(concurrentStreams, "concurrentStreams");
    }
}
