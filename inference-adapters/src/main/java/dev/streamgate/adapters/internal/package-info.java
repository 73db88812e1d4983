/** Implementation details of the adapters and the router: wire parsing, retry timing, per-deployment state. */
package dev.streamgate.adapters.internal;
