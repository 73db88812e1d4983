/** Server-sent events: an incremental parser for upstream streams, frames and heartbeats for the writer side. */
package dev.streamgate.streaming.sse;
