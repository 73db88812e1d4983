package dev.streamgate.worker.engine;

/**
 * A failure of the inference engine: a model folder it cannot load, a batch it rejects, or the native side
 * running out of memory. The message names what was wrong (the tensor, the config field, the batch entry).
 */
public final class EngineException extends RuntimeException {

    /** Mirrors the status codes of {@code streamgate_engine.h}. */
    public enum Kind {
        INVALID_ARGUMENT, UNSUPPORTED, MODEL, IO, OUT_OF_MEMORY, INTERNAL;

        /** The kind for a native status code (1..6); anything unknown is INTERNAL. */
        public static Kind ofStatus(int status) {
            return switch (status) {
                case 1 -> INVALID_ARGUMENT;
                case 2 -> UNSUPPORTED;
                case 3 -> MODEL;
                case 4 -> IO;
                case 5 -> OUT_OF_MEMORY;
                default -> INTERNAL;
            };
        }
    }

    private final Kind kind;

    public EngineException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EngineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
