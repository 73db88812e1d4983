package dev.streamgate.gateway.auth.apikey;

/** An API key's row: the key and the SHA-256 hash a presented key is checked against. */
public record StoredApiKey(ApiKey key, byte[] secretHash) {
    public StoredApiKey {
        secretHash = secretHash.clone();
    }

    @Override
    public byte[] secretHash() {
        return secretHash.clone();
    }

    @Override
    public String toString() {
        return "StoredApiKey[key=" + key + ", secretHash=<redacted>]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredApiKey other && key.equals(other.key)
                && java.util.Arrays.equals(secretHash, other.secretHash);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + java.util.Arrays.hashCode(secretHash);
    }
}
