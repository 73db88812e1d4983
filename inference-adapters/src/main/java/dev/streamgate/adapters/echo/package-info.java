/** The built-in echo model, which streams the caller's last message back; for demos, tests and benchmarks. */
package dev.streamgate.adapters.echo;
