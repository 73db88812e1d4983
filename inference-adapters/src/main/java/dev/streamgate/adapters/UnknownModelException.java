package dev.streamgate.adapters;

/**
 * No deployment serves the requested model alias. The gateway answers 404 with OpenAI's {@code model_not_found}
 * code, as OpenAI does for a model that does not exist.
 */
public final class UnknownModelException extends RuntimeException {
    private final String model;

    public UnknownModelException(String model) {
        super("The model `" + model + "` does not exist or you do not have access to it.", null, false, false);
        this.model = model;
    }

    public String model() {
        return model;
    }
}
