/** API keys: their format and hashing, storage, cached authentication, and issuing and revoking them. */
package dev.streamgate.gateway.auth.apikey;
