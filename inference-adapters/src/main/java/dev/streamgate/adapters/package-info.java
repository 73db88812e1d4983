/** Inference backends behind one SPI: OpenAI-compatible upstreams, the echo model, routing across deployments. */
package dev.streamgate.adapters;
