/** Authentication: API keys and JWT bearer tokens, resolved to a {@link dev.streamgate.gateway.auth.Principal}. */
package dev.streamgate.gateway.auth;
