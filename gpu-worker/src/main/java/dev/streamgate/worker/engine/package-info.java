/** The engine boundary: what the scheduler asks of a forward pass, and its native implementation. */
package dev.streamgate.worker.engine;
