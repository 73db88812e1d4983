package dev.streamgate.bench.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a checkpoint's {@code *.safetensors} headers say about its size.
 *
 * @param parameters      every weight
 * @param bytesPerDecode  the weight bytes one decode step must read: every tensor once, except the embedding table
 *                        when there is a separate {@code lm_head} (a step gathers one embedding row; with tied
 *                        embeddings the table is read whole as the output layer)
 * @param dtype           the weights' dtype, or {@code mixed}
 */
public record CheckpointWeights(long parameters, long bytesPerDecode, String dtype) {

    public static CheckpointWeights of(Path folder) {
        long parameters = 0;
        long bytes = 0;
        long embeddingBytes = 0;
        boolean lmHead = false;
        String dtype = null;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).toList()) {
                for (var tensor : header(file).properties()) {
                    if (tensor.getKey().equals("__metadata__")) {
                        continue;
                    }
                    JsonNode info = tensor.getValue();
                    long size = info.at("/data_offsets/1").longValue() - info.at("/data_offsets/0").longValue();
                    long elements = 1;
                    for (JsonNode d : info.path("shape")) {
                        elements *= d.longValue();
                    }
                    parameters += elements;
                    bytes += size;
                    String type = info.path("dtype").stringValue();
                    dtype = dtype == null || dtype.equals(type) ? type : "mixed";
                    if (tensor.getKey().equals("model.embed_tokens.weight")) {
                        embeddingBytes = size;
                    }
                    lmHead |= tensor.getKey().equals("lm_head.weight");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CheckpointWeights(parameters, lmHead ? bytes - embeddingBytes : bytes, dtype);
    }

    private static JsonNode header(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(length, 0);
            ByteBuffer json = ByteBuffer.allocate(Math.toIntExact(length.getLong(0)));
            channel.read(json, 8);
            return JsonMapper.shared().readTree(json.array());
        }
    }
}
