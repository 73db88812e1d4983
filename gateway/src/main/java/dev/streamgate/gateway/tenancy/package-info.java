/** Tenants and their plans: stored in PostgreSQL, read on the request path through a briefly cached directory. */
package dev.streamgate.gateway.tenancy;
