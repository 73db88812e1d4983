package dev.streamgate.gateway.persistence;

/** The PostgreSQL server the gateway uses: one it was pointed at, or one it runs itself. */
public sealed interface DatabaseServer extends AutoCloseable permits ExternalDatabase, EmbeddedDatabase {

    DatabaseEndpoint endpoint();

    /** One line for the start-up log: which server, where, and (embedded) where its data lives. */
    String description();

    /** Stops the server when the gateway runs it; nothing for an external one. */
    @Override
    void close();
}
