/** The StreamGate gateway application: routes, auth, admission, metering and the embedded default. */
package dev.streamgate.gateway;
