/** The demo tenant's API key for the embedded default, from the environment or generated at start-up. */
package dev.streamgate.gateway.auth.demo;
