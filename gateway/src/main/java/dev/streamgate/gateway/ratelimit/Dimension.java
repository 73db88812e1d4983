package dev.streamgate.gateway.ratelimit;

/** What a limit counts. {@link #tag()} is the metric tag and the bucket-key segment. */
enum Dimension {
    REQUESTS("requests", "requests per min (RPM)"),
    TOKENS("tokens", "tokens per min (TPM)"),
    STREAMS("concurrency", "concurrent requests");

    private final String tag;
    private final String description;

    Dimension(String tag, String description) {
        this.tag = tag;
        this.description = description;
    }

    String tag() {
        return tag;
    }

    String description() {
        return description;
    }
}
