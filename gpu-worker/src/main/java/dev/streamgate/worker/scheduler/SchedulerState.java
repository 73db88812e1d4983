package dev.streamgate.worker.scheduler;

/**
 * A snapshot of the scheduler between steps.
 *
 * @param preemptions   sequences preempted since start
 * @param cancellations requests cancelled by their callers since start
 */
public record SchedulerState(int running, int waiting, int kvBlocksUsed, int kvBlocksTotal, long steps,
                             long preemptions, long cancellations) {

    /** Nothing running or waiting and every KV block back in the pool. */
    public boolean idle() {
        return running == 0 && waiting == 0 && kvBlocksUsed == 0;
    }
}
