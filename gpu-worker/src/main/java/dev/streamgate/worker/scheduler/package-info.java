/**
 * The continuous-batching scheduler: one thread admits, chunks, preempts and finishes sequences step by step around
 * a single {@link dev.streamgate.worker.engine.InferenceEngine}. Plain Java; Reactor stays at the runtime's edge.
 */
package dev.streamgate.worker.scheduler;
