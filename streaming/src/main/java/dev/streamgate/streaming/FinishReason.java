package dev.streamgate.streaming;

/** Why generation stopped, with OpenAI's wire names. */
public enum FinishReason {
    STOP("stop"),
    LENGTH("length"),
    TOOL_CALLS("tool_calls"),
    CONTENT_FILTER("content_filter");

    private final String wireName;

    FinishReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Maps an upstream's finish_reason; unknown values (e.g. a provider's own) count as {@link #STOP}. */
    public static FinishReason fromWire(String value) {
        if (value == null) {
            return STOP;
        }
        return switch (value) {
            case "length" -> LENGTH;
            case "tool_calls", "function_call" -> TOOL_CALLS;
            case "content_filter" -> CONTENT_FILTER;
            default -> STOP;
        };
    }
}
