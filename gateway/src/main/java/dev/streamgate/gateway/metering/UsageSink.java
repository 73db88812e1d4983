package dev.streamgate.gateway.metering;

/**
 * Takes usage records off the request path. {@link #record} never blocks and never fails the request: records
 * are buffered and written in batches; a full buffer is flushed early rather than dropping records.
 */
public interface UsageSink {
    void record(UsageRecord record);
}
