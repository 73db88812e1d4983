package dev.streamgate.worker.engine.internal;

import dev.streamgate.worker.engine.EngineException;
import dev.streamgate.worker.engine.EngineException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the header of a {@code .safetensors} file (an 8-byte little-endian length, then a JSON table of
 * {@code name -> {dtype, shape, data_offsets}}) and checks every entry against the file's size, so the
 * native side maps only byte ranges that exist.
 */
public final class SafetensorsHeader {

    public static final int F32 = 0;
    public static final int F16 = 1;
    public static final int BF16 = 2;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final Map<String, Integer> DTYPES = Map.of("F32", F32, "F16", F16, "BF16", BF16);

    private SafetensorsHeader() {
    }

    public static List<TensorEntry> read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (size < 8 || channel.read(prefix, 0) != 8) throw malformed(file, "shorter than its 8-byte header length");
            long headerBytes = prefix.getLong(0);
            if (headerBytes <= 0 || headerBytes > MAX_HEADER_BYTES || 8 + headerBytes > size)
                throw malformed(file, "header length " + headerBytes + " does not fit the file (" + size + " bytes)");
            ByteBuffer header = ByteBuffer.allocate((int) headerBytes);
            while (header.hasRemaining()) {
                if (channel.read(header, 8 + header.position()) < 0) throw malformed(file, "truncated header");
            }
            return entries(file, new String(header.array(), StandardCharsets.UTF_8), 8 + headerBytes, size);
        } catch (IOException e) {
            throw new EngineException(Kind.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The native dtype code for a safetensors dtype name, or an error naming the tensor. */
    static int dtypeCode(String dtype, String tensor, Path file) {
        Integer code = DTYPES.get(dtype);
        if (code == null)
            throw new EngineException(Kind.UNSUPPORTED,
                    "tensor " + tensor + " in " + file + " has unsupported dtype " + dtype + " (supported: F32, F16, BF16)");
        return code;
    }

    private static List<TensorEntry> entries(Path file, String json, long dataStart, long fileSize) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw malformed(file, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw malformed(file, "header is not a JSON object");
        List<TensorEntry> result = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            if (name.equals("__metadata__")) continue;
            JsonNode spec = field.getValue();
            JsonNode shapeNode = spec.get("shape"), offsets = spec.get("data_offsets"), dtype = spec.get("dtype");
            if (dtype == null || shapeNode == null || !shapeNode.isArray() || offsets == null || !offsets.isArray() || offsets.size() != 2)
                throw malformed(file, "tensor " + name + " lacks dtype, shape or data_offsets");
            int code = dtypeCode(dtype.asString(), name, file);
            long[] shape = new long[shapeNode.size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong();
                if (shape[i] < 0) throw malformed(file, "tensor " + name + " has a negative dimension");
                elements = Math.multiplyExact(elements, shape[i]);
            }
            long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
            long expected = elements * (code == F32 ? 4 : 2);
            if (begin < 0 || end - begin != expected || dataStart + end > fileSize)
                throw malformed(file, "tensor " + name + " spans bytes [" + begin + ", " + end + ") but needs " + expected
                        + " bytes inside the " + (fileSize - dataStart) + "-byte data section");
            result.add(new TensorEntry(name, file, code, shape, dataStart + begin));
        }
        return result;
    }

    private static EngineException malformed(Path file, String what) {
        return new EngineException(Kind.MODEL, "malformed safetensors file " + file + ": " + what);
    }
}
