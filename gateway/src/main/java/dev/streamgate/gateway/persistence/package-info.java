/**
 * The database: an external PostgreSQL or an embedded one kept under {@code streamgate.home}, migrated by Flyway at
 * start-up, then reached only through a reactive R2DBC pool.
 */
package dev.streamgate.gateway.persistence;
