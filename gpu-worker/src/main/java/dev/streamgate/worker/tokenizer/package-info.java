/** Prompt encoding with the model's {@code tokenizer.json} and streaming detokenization that never splits a character. */
package dev.streamgate.worker.tokenizer;
