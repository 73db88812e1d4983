/** Serves deployments of provider {@code worker} on StreamGate's own engine inside the gateway process. */
package dev.streamgate.gateway.worker;
