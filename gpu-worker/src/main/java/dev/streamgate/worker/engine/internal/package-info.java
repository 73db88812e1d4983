/** The native engine's Java side: model-folder parsing, the JNI bridge and the packing of steps into direct buffers. */
package dev.streamgate.worker.engine.internal;
