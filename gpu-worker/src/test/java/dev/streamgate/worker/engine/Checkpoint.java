package dev.streamgate.worker.engine;

import dev.streamgate.worker.engine.internal.SafetensorsHeader;
import dev.streamgate.worker.engine.internal.TensorEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import tools.jackson.databind.node.ObjectNode;

/** Test tool: reads a fixture's tensors, lets a test change them, and writes a new model folder. */
final class Checkpoint {

    record Tensor(String name, String dtype, long[] shape, byte[] data) {
        Tensor withData(String newDtype, byte[] newData) {
            return new Tensor(name, newDtype, shape, newData);
        }

        Tensor withShape(long[] newShape, byte[] newData) {
            return new Tensor(name, dtype, newShape, newData);
        }
    }

    final Map<String, Tensor> tensors = new LinkedHashMap<>();

    static Checkpoint read(Path folder) throws IOException {
        Checkpoint c = new Checkpoint();
        Path file = folder.resolve("model.safetensors");
        try (FileChannel ch = FileChannel.open(file)) {
            for (TensorEntry t : SafetensorsHeader.read(file)) {
                long elements = 1;
                for (long d : t.shape()) elements *= d;
                ByteBuffer data = ByteBuffer.allocate((int) (elements * (t.dtype() == SafetensorsHeader.F32 ? 4 : 2)));
                ch.read(data, t.offset());
                String dtype = switch (t.dtype()) {
                    case SafetensorsHeader.F32 -> "F32";
                    case SafetensorsHeader.F16 -> "F16";
                    default -> "BF16";
                };
                c.tensors.put(t.name(), new Tensor(t.name(), dtype, t.shape(), data.array()));
            }
        }
        return c;
    }

    /** Copies the folder's non-weight files (config, tokenizer) to {@code target}, editing config.json if asked. */
    static void copyFiles(Path source, Path target, UnaryOperator<ObjectNode> config) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".safetensors") || name.equals("expected.json")) continue;
                Files.copy(f, target.resolve(name));
            }
        }
        ObjectNode node = (ObjectNode) Fixtures.json(source.resolve("config.json"));
        Files.writeString(target.resolve("config.json"), Fixtures.JSON.writeValueAsString(config.apply(node)));
    }

    /** Writes the given tensors as one safetensors file. */
    static void write(Path file, List<Tensor> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Tensor t : tensors) {
            header.append(",\"").append(t.name()).append("\":{\"dtype\":\"").append(t.dtype()).append("\",\"shape\":[");
            for (int i = 0; i < t.shape().length; i++) header.append(i == 0 ? "" : ",").append(t.shape()[i]);
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + t.data().length).append("]}");
            offset += t.data().length;
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) header.append(' ');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
            out.write(json);
            for (Tensor t : tensors) out.write(t.data());
        }
    }

    List<Tensor> list() {
        return new ArrayList<>(tensors.values());
    }

    static float[] floats(Tensor t) {
        ByteBuffer b = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[t.data().length / (t.dtype().equals("F32") ? 4 : 2)];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (t.dtype()) {
                case "F32" -> b.getFloat(4 * i);
                case "F16" -> Float.float16ToFloat(b.getShort(2 * i));
                default -> Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
            };
        }
        return out;
    }

    static byte[] f32Bytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    static byte[] f16Bytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putShort(Float.floatToFloat16(v));
        return b.array();
    }
}
