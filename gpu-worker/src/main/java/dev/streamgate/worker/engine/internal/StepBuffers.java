package dev.streamgate.worker.engine.internal;

import dev.streamgate.worker.engine.BatchEntry;
import dev.streamgate.worker.engine.SamplingParams;
import dev.streamgate.worker.engine.StepOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs a step into a reusable direct buffer in the layout of {@code streamgate_engine.h} ("packed step") and
 * reads the sampled tokens and logits back from a second one. Buffers grow to the largest step seen and are
 * then reused, so a steady decode loop allocates nothing but its result records.
 */
public final class StepBuffers {

    public static final int LOGITS_NONE = 0;
    public static final int LOGITS_LAST = 1;
    public static final int LOGITS_ALL = 2;

    private static final int MAGIC = 0x31424753;
    private static final int HEADER_BYTES = 16;
    private static final int ENTRY_BYTES = 60;
    private static final int[] NO_INTS = new int[0];
    private static final float[] NO_FLOATS = new float[0];

    private final int vocabSize;
    private final int maxLogprobs;
    private ByteBuffer in = allocate(4096);
    private ByteBuffer out = allocate(4096);
    private int inBytes;
    private int outBytes;

    public StepBuffers(int vocabSize, int maxLogprobs) {
        this.vocabSize = vocabSize;
        this.maxLogprobs = maxLogprobs;
    }

    public ByteBuffer input() {
        return in;
    }

    public int inputBytes() {
        return inBytes;
    }

    public ByteBuffer output() {
        return out;
    }

    public int outputBytes() {
        return outBytes;
    }

    /** Writes the batch and sizes the output buffer for it. */
    public void pack(List<BatchEntry> batch, int logitsMode) {
        long words = 0;
        int sampled = 0;
        long tokens = 0;
        for (int i = 0; i < batch.size(); i++) {
            BatchEntry e = batch.get(i);
            if (e == null || e.tokens() == null || e.blockTable() == null)
                throw new IllegalArgumentException("batch entry " + i + ": tokens and blockTable are required");
            words += e.tokens().length + e.blockTable().length + historyOf(e).length;
            tokens += e.tokens().length;
            if (e.sample()) sampled++;
        }
        long rows = logitsMode == LOGITS_ALL ? tokens : logitsMode == LOGITS_LAST ? batch.size() : 0;
        inBytes = checkedSize(HEADER_BYTES + (long) ENTRY_BYTES * batch.size() + 4 * words, "batch");
        outBytes = checkedSize(8L * sampled + 8L * sampled * maxLogprobs + 4L * rows * vocabSize, "step output");
        if (in.capacity() < inBytes) in = allocate(Math.max(inBytes, in.capacity() * 2));
        if (out.capacity() < outBytes) out = allocate(Math.max(outBytes, out.capacity() * 2));

        ByteBuffer b = in.clear();
        b.putInt(MAGIC).putInt(batch.size()).putInt(logitsMode).putInt(0);
        for (BatchEntry e : batch) {
            SamplingParams s = e.sampling() != null ? e.sampling() : SamplingParams.GREEDY;
            b.putInt(e.tokens().length).putInt(e.position()).putInt(e.blockTable().length).putInt(e.sample() ? 1 : 0);
            b.putInt(historyOf(e).length);
            b.putFloat(s.temperature()).putInt(s.topK()).putFloat(s.topP()).putFloat(s.minP());
            b.putFloat(s.repetitionPenalty()).putFloat(s.presencePenalty()).putFloat(s.frequencyPenalty());
            b.putInt(s.logprobs()).putInt((int) s.seed()).putInt((int) (s.seed() >>> 32));
        }
        for (BatchEntry e : batch) {
            for (int t : e.tokens()) b.putInt(t);
            for (int block : e.blockTable()) b.putInt(block);
            for (int t : historyOf(e)) b.putInt(t);
        }
    }

    /** The sampled tokens of the last packed step, after the native step filled the output buffer. */
    public List<StepOutput> outputs(List<BatchEntry> batch) {
        int sampled = 0;
        for (BatchEntry e : batch) if (e.sample()) sampled++;
        List<StepOutput> result = new ArrayList<>(sampled);
        int slot = 0;
        int topTokensAt = 8 * sampled, topLogprobsAt = topTokensAt + 4 * sampled * maxLogprobs;
        for (BatchEntry e : batch) {
            if (!e.sample()) continue;
            int token = out.getInt(4 * slot);
            float logprob = out.getFloat(4 * (sampled + slot));
            int asked = e.sampling() == null ? 0 : Math.min(e.sampling().logprobs(), Math.min(maxLogprobs, vocabSize));
            int[] topTokens = asked == 0 ? NO_INTS : new int[asked];
            float[] topLogprobs = asked == 0 ? NO_FLOATS : new float[asked];
            for (int j = 0; j < asked; j++) {
                topTokens[j] = out.getInt(topTokensAt + 4 * (slot * maxLogprobs + j));
                topLogprobs[j] = out.getFloat(topLogprobsAt + 4 * (slot * maxLogprobs + j));
            }
            result.add(new StepOutput(e.sequenceId(), token, logprob, topTokens, topLogprobs));
            slot++;
        }
        return result;
    }

    /** The logits rows of the last packed step (see {@link #LOGITS_LAST} / {@link #LOGITS_ALL}). */
    public float[][] logits(List<BatchEntry> batch, int logitsMode) {
        int sampled = 0;
        long tokens = 0;
        for (BatchEntry e : batch) {
            if (e.sample()) sampled++;
            tokens += e.tokens().length;
        }
        int rows = (int) (logitsMode == LOGITS_ALL ? tokens : logitsMode == LOGITS_LAST ? batch.size() : 0);
        int at = 8 * sampled + 8 * sampled * maxLogprobs;
        float[][] result = new float[rows][vocabSize];
        ByteBuffer view = out.duplicate().order(ByteOrder.nativeOrder());
        for (int r = 0; r < rows; r++) {
            view.position(at + 4 * r * vocabSize);
            view.asFloatBuffer().get(result[r]);
        }
        return result;
    }

    private static int[] historyOf(BatchEntry e) {
        // Only a sampling entry with penalties reads its history; skip copying it otherwise.
        boolean needed = e.sample() && e.sampling() != null && e.sampling().usesPenalties() && e.history() != null;
        return needed ? e.history() : NO_INTS;
    }

    private static int checkedSize(long bytes, String what) {
        if (bytes > Integer.MAX_VALUE - 64) throw new IllegalArgumentException(what + " too large: " + bytes + " bytes");
        return (int) bytes;
    }

    private static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
}
