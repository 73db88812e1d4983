/** The worker throughput benchmark: a random-weight checkpoint, load against the worker and Jlama, the table. */
package dev.streamgate.bench.worker;
