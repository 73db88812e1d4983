/** The StreamGate worker: a Llama-family inference server on the native engine, with continuous batching. */
package dev.streamgate.worker;
