package dev.streamgate.worker.engine;

import java.util.List;

/**
 * A step run with its logits kept, for tests and debugging: {@code logits} has one row per batch entry (its
 * last new position) for {@link NativeEngine.LogitsMode#LAST}, or one row per new token in batch order for
 * {@link NativeEngine.LogitsMode#ALL}; each row is vocabulary-sized.
 */
public record LogitsStep(List<StepOutput> outputs, float[][] logits) {
}
