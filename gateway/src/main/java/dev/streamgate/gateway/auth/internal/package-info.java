/** Building blocks shared by the authenticators: the short-lived lookup cache. */
package dev.streamgate.gateway.auth.internal;
