/** Extension points of the worker: how an inference engine is opened for a model folder. */
package dev.streamgate.worker.spi;
