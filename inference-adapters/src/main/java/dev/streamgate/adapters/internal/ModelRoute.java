package dev.streamgate.adapters.internal;

import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

import dev.streamgate.config.AcceptedInputs;

/** The deployments serving one model alias, heaviest first (ties keep the operator's order). */
public record ModelRoute(String model, List<RouteEntry> entries) {
    public ModelRoute {
        entries = entries.stream()
                .sorted(Comparator.comparingInt((RouteEntry entry) -> entry.config().weight()).reversed())
                .toList();
    }

    /** What every deployment of the model accepts: a request may be served by any of them. */
    public AcceptedInputs accepted() {
        AcceptedInputs accepted = AcceptedInputs.EVERYTHING;
        for (RouteEntry entry : entries) {
            accepted = accepted.and(AcceptedInputs.of(entry.config()));
        }
        return accepted;
    }

    /** A fresh candidate order for one request. */
    public CandidateOrder candidates(RandomGenerator random) {
        return new CandidateOrder(entries, random);
    }
}
