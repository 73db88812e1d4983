/** The gateway's error family and the one place that maps it to OpenAI-style error JSON. */
package dev.streamgate.gateway.error;
