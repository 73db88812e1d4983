package dev.streamgate.worker.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.streamgate.worker.engine.BatchEntry;
import dev.streamgate.worker.engine.InferenceEngine;
import dev.streamgate.worker.engine.ModelInfo;
import dev.streamgate.worker.engine.SamplingParams;
import dev.streamgate.worker.engine.StepOutput;

/**
 * A deterministic engine with a checked KV cache. Every new token is written into the slot its block table
 * names, tagged with its sequence and position; "attention" then reads the whole context back through the table,
 * and the next token is a function of what it read. So a block table that is short, out of range, shared between
 * sequences, or that points at blocks another sequence has since overwritten is caught as a violation (and fails the
 * step), and a wrong table changes the output, which batching-invariance tests then see.
 */
public final class FakeEngine implements InferenceEngine {

    /** The model: the next token given the whole context (prompt and generated tokens). */
    @FunctionalInterface
    public interface NextToken {
        int next(int[] context, SamplingParams sampling);
    }

    /** One entry of a recorded step. */
    public record Entry(long sequenceId, int position, int count, boolean sample, int[] tokens) {
    }

    private final ModelInfo info;
    private final NextToken model;
    private final Duration stepDelay;
    private final int[][] slotToken;
    private final int[][] slotPosition;
    private final long[][] slotOwner;
    private final List<List<Entry>> steps = new CopyOnWriteArrayList<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private volatile Thread driver;
    private volatile boolean closed;

    public FakeEngine(ModelInfo info, NextToken model, Duration stepDelay) {
        this.info = info;
        this.model = model;
        this.stepDelay = stepDelay;
        this.slotToken = new int[info.kvBlocks()][info.kvBlockSize()];
        this.slotPosition = new int[info.kvBlocks()][info.kvBlockSize()];
        this.slotOwner = new long[info.kvBlocks()][info.kvBlockSize()];
        for (int b = 0; b < info.kvBlocks(); b++) {
            Arrays.fill(slotPosition[b], -1);
            Arrays.fill(slotOwner[b], -1);
        }
    }

    public static ModelInfo info(int vocabSize, int contextLength, int blockSize, int blocks) {
        return new ModelInfo("fake", vocabSize, contextLength, blockSize, blocks, "fake");
    }

    /**
     * A model whose next token hashes the last tokens and the length of the context into
     * {@code [firstToken, vocabSize)}; with a temperature it also mixes in the seed, as a seeded sampler would.
     */
    public static NextToken hashing(int firstToken, int vocabSize) {
        return (context, sampling) -> {
            long h = context.length * 0x9E3779B97F4A7C15L;
            for (int i = Math.max(0, context.length - 8); i < context.length; i++) {
                h = (h ^ context[i]) * 0x100000001B3L;
            }
            if (sampling.temperature() > 0) {
                h ^= sampling.seed() * 0xC2B2AE3D27D4EB4FL;
            }
            h ^= h >>> 29;
            return firstToken + (int) Math.floorMod(h, (long) (vocabSize - firstToken));
        };
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public List<StepOutput> step(List<BatchEntry> batch) {
        checkThread();
        if (batch.isEmpty()) {
            fail("empty batch");
        }
        sleep();
        Map<Integer, Long> blockUsers = new HashMap<>();
        Set<Long> sequences = new HashSet<>();
        for (BatchEntry entry : batch) {
            validate(entry, blockUsers, sequences);
        }
        for (BatchEntry entry : batch) {
            write(entry);
        }
        List<StepOutput> outputs = new ArrayList<>();
        List<Entry> record = new ArrayList<>();
        for (BatchEntry entry : batch) {
            int[] context = read(entry);
            record.add(new Entry(entry.sequenceId(), entry.position(), entry.tokens().length, entry.sample(),
                    entry.tokens().clone()));
            if (!entry.sample()) {
                continue;
            }
            if (entry.sampling().usesPenalties() && !Arrays.equals(entry.history(), context)) {
                fail("sequence " + entry.sequenceId() + " history differs from its cached context");
            }
            int token = model.next(context, entry.sampling());
            outputs.add(output(entry, token));
        }
        steps.add(List.copyOf(record));
        return outputs;
    }

    /** The steps run so far, each as its entries in batch order. */
    public List<List<Entry>> steps() {
        return List.copyOf(steps);
    }

    /** Every misuse seen: an empty list means the scheduler's batches and block tables were valid. */
    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void validate(BatchEntry entry, Map<Integer, Long> blockUsers, Set<Long> sequences) {
        long id = entry.sequenceId();
        if (!sequences.add(id)) {
            fail("sequence " + id + " appears twice in one batch");
        }
        if (entry.tokens().length == 0 || entry.position() < 0) {
            fail("sequence " + id + " has an empty chunk or a negative position");
        }
        for (int token : entry.tokens()) {
            if (token < 0 || token >= info.vocabSize()) {
                fail("sequence " + id + " feeds token " + token + " outside the vocabulary");
            }
        }
        int end = entry.position() + entry.tokens().length;
        if (end > info.contextLength()) {
            fail("sequence " + id + " goes past the context length to " + end);
        }
        int[] table = entry.blockTable();
        if (table.length < Math.ceilDiv(end, info.kvBlockSize())) {
            fail("sequence " + id + " block table of " + table.length + " blocks does not cover position " + (end - 1));
        }
        Set<Integer> own = new HashSet<>();
        for (int block : table) {
            if (block < 0 || block >= info.kvBlocks()) {
                fail("sequence " + id + " names block " + block + " outside the pool");
            }
            if (!own.add(block)) {
                fail("sequence " + id + " names block " + block + " twice");
            }
            Long other = blockUsers.put(block, id);
            if (other != null && other != id) {
                fail("block " + block + " is in the tables of sequences " + other + " and " + id);
            }
        }
    }

    private void write(BatchEntry entry) {
        int size = info.kvBlockSize();
        for (int i = 0; i < entry.tokens().length; i++) {
            int p = entry.position() + i;
            int block = entry.blockTable()[p / size];
            slotToken[block][p % size] = entry.tokens()[i];
            slotPosition[block][p % size] = p;
            slotOwner[block][p % size] = entry.sequenceId();
        }
    }

    private int[] read(BatchEntry entry) {
        int size = info.kvBlockSize();
        int end = entry.position() + entry.tokens().length;
        int[] context = new int[end];
        for (int p = 0; p < end; p++) {
            int block = entry.blockTable()[p / size];
            int slot = p % size;
            if (slotOwner[block][slot] != entry.sequenceId() || slotPosition[block][slot] != p) {
                fail("sequence " + entry.sequenceId() + " reads position " + p + " from block " + block
                        + ", which holds position " + slotPosition[block][slot] + " of sequence "
                        + slotOwner[block][slot]);
            }
            context[p] = slotToken[block][slot];
        }
        return context;
    }

    private StepOutput output(BatchEntry entry, int token) {
        int k = entry.sampling().logprobs();
        if (k == 0) {
            return new StepOutput(entry.sequenceId(), token, Float.NaN, new int[0], new float[0]);
        }
        int[] top = new int[k];
        float[] topLogprobs = new float[k];
        for (int i = 0; i < k; i++) {
            top[i] = i == 0 ? token : (token + i) % info.vocabSize();
            topLogprobs[i] = -0.25f * (i + 1);
        }
        return new StepOutput(entry.sequenceId(), token, topLogprobs[0], top, topLogprobs);
    }

    private void checkThread() {
        Thread current = Thread.currentThread();
        if (driver == null) {
            driver = current;
        } else if (driver != current) {
            fail("step called from " + current.getName() + " after " + driver.getName());
        }
        if (closed) {
            fail("step after close");
        }
    }

    private void sleep() {
        if (stepDelay.isZero()) {
            return;
        }
        try {
            Thread.sleep(stepDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(String violation) {
        violations.add(violation);
        throw new IllegalStateException(violation);
    }
}
