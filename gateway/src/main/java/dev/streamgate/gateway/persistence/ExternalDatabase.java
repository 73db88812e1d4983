package dev.streamgate.gateway.persistence;

/** A PostgreSQL server run by someone else, named by {@code streamgate.database.url}. */
public record ExternalDatabase(DatabaseEndpoint endpoint) implements DatabaseServer {

    @Override
    public String description() {
        return "external PostgreSQL " + endpoint.describe();
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
