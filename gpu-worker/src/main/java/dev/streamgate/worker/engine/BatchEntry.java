package dev.streamgate.worker.engine;

/**
 * One sequence's share of a step: {@code tokens} are new tokens at positions {@code position ..
 * position + tokens.length - 1} (a prefill chunk, or a single decode token). Their K/V go to the blocks of
 * {@code blockTable} (position p lives in block {@code blockTable[p / kvBlockSize]}), which must already cover
 * every position up to the last new one; attention reads all earlier positions through the same table.
 *
 * @param sample  whether to sample a token after the last new token (false for a non-final prefill chunk)
 * @param history the tokens penalties count (prompt and generated so far); empty when no penalty is set
 */
public record BatchEntry(long sequenceId, int[] tokens, int position, int[] blockTable, boolean sample,
                         SamplingParams sampling, int[] history) {
}
