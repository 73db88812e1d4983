/** JWT bearer tokens: settings, key sources (configured or fetched from a JWKS URL) and verification with Nimbus. */
package dev.streamgate.gateway.auth.jwt;
