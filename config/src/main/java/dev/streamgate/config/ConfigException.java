package dev.streamgate.config;

/** A configuration value that cannot be used; the message names the offending field. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
