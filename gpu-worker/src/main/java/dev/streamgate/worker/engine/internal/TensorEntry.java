package dev.streamgate.worker.engine.internal;

import java.nio.file.Path;

/**
 * One tensor of a checkpoint: where its bytes start in which file, its dtype and its shape.
 *
 * @param dtype  a native {@code SG_DTYPE_*} code (see {@link SafetensorsHeader#dtypeCode})
 * @param offset bytes from the start of the file
 */
public record TensorEntry(String name, Path file, int dtype, long[] shape, long offset) {
}
