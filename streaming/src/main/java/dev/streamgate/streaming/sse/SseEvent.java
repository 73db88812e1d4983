package dev.streamgate.streaming.sse;

/**
 * One dispatched server-sent event.
 *
 * @param event the {@code event:} field, {@code "message"} when the event had none (WHATWG default)
 * @param data  the {@code data:} lines joined with {@code \n}
 * @param id    the last event id seen on the stream so far (ids persist across events), or null
 */
public record SseEvent(String event, String data, String id) {
    public static final String DEFAULT_EVENT = "message";
}
