package dev.streamgate.worker.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class KvBlockPoolTest {

    @Test
    void tablesGrowByWholeBlocksAndNeverShareABlock() {
        KvBlockPool pool = new KvBlockPool(6, 4);
        assertThat(pool.ensureCapacity(1, 5)).isTrue();
        assertThat(pool.blocksOf(1)).isEqualTo(2);
        assertThat(pool.ensureCapacity(1, 8)).as("still two blocks").isTrue();
        assertThat(pool.blocksOf(1)).isEqualTo(2);
        assertThat(pool.ensureCapacity(2, 12)).isTrue();

        Set<Integer> seen = new HashSet<>();
        for (int block : pool.blockTable(1)) {
            assertThat(seen.add(block)).isTrue();
        }
        for (int block : pool.blockTable(2)) {
            assertThat(seen.add(block)).isTrue();
        }
        assertThat(seen).allSatisfy(b -> assertThat(b).isBetween(0, 5));
        assertThat(pool.freeBlocks()).isEqualTo(1);
    }

    @Test
    void growthIsAllOrNothing() {
        KvBlockPool pool = new KvBlockPool(4, 4);
        pool.ensureCapacity(1, 8);
        assertThat(pool.ensureCapacity(2, 12)).isFalse();
        assertThat(pool.blocksOf(2)).isZero();
        assertThat(pool.freeBlocks()).isEqualTo(2);
    }

    @Test
    void releaseReturnsEveryBlock() {
        KvBlockPool pool = new KvBlockPool(4, 2);
        pool.ensureCapacity(1, 3);
        pool.ensureCapacity(2, 4);
        pool.release(1);
        pool.release(1);
        assertThat(pool.freeBlocks()).isEqualTo(2);
        assertThat(pool.blockTable(1)).isEmpty();
        pool.release(2);
        assertThat(pool.usedBlocks()).isZero();
        assertThat(pool.ensureCapacity(3, 8)).as("the whole pool again").isTrue();
        assertThat(pool.blockTable(3)).containsExactlyInAnyOrder(0, 1, 2, 3);
    }
}
