package dev.streamgate.bench;

/**
 * How one request went.
 *
 * @param error          null for a success; otherwise what went wrong ({@code http_429}, {@code timeout},
 *                       {@code incomplete_stream}, ...)
 * @param firstDataNanos when the first SSE {@code data:} line arrived ({@link System#nanoTime()}), or -1
 * @param endNanos       when the response was complete or the request failed
 */
record Outcome(String error, long firstDataNanos, long endNanos) {

    static Outcome success(long firstDataNanos, long endNanos) {
        return new Outcome(null, firstDataNanos, endNanos);
    }

    static Outcome failure(String error, long endNanos) {
        return new Outcome(error, -1, endNanos);
    }

    boolean ok() {
        return error == null;
    }
}
