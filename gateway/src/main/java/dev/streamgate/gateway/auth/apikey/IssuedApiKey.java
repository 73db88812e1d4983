package dev.streamgate.gateway.auth.apikey;

/** A newly issued key and its plaintext, which exists only here: it is shown to the caller once. */
public record IssuedApiKey(ApiKey key, String secret) {
    @Override
    public String toString() {
        return "IssuedApiKey[key=" + key + ", secret=<redacted>]";
    }
}
