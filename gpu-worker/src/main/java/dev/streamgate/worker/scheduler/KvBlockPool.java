package dev.streamgate.worker.scheduler;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The engine's KV blocks, handed out by the scheduler: a free list, and the block table of every sequence that
 * holds blocks (its positions {@code p} live in {@code table[p / blockSize]}). Blocks are never shared between
 * sequences. Confined to the scheduler thread.
 */
public final class KvBlockPool {
    private final int blockSize;
    private final int totalBlocks;
    private final int[] free;
    private int freeCount;
    private final Map<Long, BlockTable> tables = new HashMap<>();

    public KvBlockPool(int totalBlocks, int blockSize) {
        if (totalBlocks < 1 || blockSize < 1) {
            throw new IllegalArgumentException("need at least one block of at least one token");
        }
        this.blockSize = blockSize;
        this.totalBlocks = totalBlocks;
        this.free = new int[totalBlocks];
        // A stack, lowest id on top: recently freed blocks are reused first.
        for (int i = 0; i < totalBlocks; i++) {
            free[i] = totalBlocks - 1 - i;
        }
        this.freeCount = totalBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    public int totalBlocks() {
        return totalBlocks;
    }

    public int freeBlocks() {
        return freeCount;
    }

    public int usedBlocks() {
        return totalBlocks - freeCount;
    }

    /** The most tokens one sequence can hold: the whole pool. */
    public int capacityTokens() {
        return totalBlocks * blockSize;
    }

    /**
     * Grows the sequence's table to hold {@code tokens} positions. All or nothing: when the free list is short,
     * nothing is taken and the answer is false.
     */
    public boolean ensureCapacity(long sequenceId, int tokens) {
        int needed = Math.ceilDiv(tokens, blockSize);
        BlockTable table = tables.get(sequenceId);
        int missing = needed - (table == null ? 0 : table.size);
        if (missing <= 0) {
            return true;
        }
        if (missing > freeCount) {
            return false;
        }
        if (table == null) {
            table = new BlockTable(needed);
            tables.put(sequenceId, table);
        }
        for (int i = 0; i < missing; i++) {
            table.add(free[--freeCount]);
        }
        return true;
    }

    /** A copy of the sequence's block table (empty if it holds none). */
    public int[] blockTable(long sequenceId) {
        BlockTable table = tables.get(sequenceId);
        return table == null ? new int[0] : Arrays.copyOf(table.blocks, table.size);
    }

    public int blocksOf(long sequenceId) {
        BlockTable table = tables.get(sequenceId);
        return table == null ? 0 : table.size;
    }

    /** Returns all of the sequence's blocks to the free list. */
    public void release(long sequenceId) {
        BlockTable table = tables.remove(sequenceId);
        if (table == null) {
            return;
        }
        for (int i = table.size - 1; i >= 0; i--) {
            free[freeCount++] = table.blocks[i];
        }
    }

    private static final class BlockTable {
        int[] blocks;
        int size;

        BlockTable(int capacity) {
            blocks = new int[Math.max(4, capacity)];
        }

        void add(int block) {
            if (size == blocks.length) {
                blocks = Arrays.copyOf(blocks, size * 2);
            }
            blocks[size++] = block;
        }
    }
}
