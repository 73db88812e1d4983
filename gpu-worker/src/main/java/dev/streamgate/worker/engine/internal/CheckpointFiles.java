package dev.streamgate.worker.engine.internal;

import dev.streamgate.worker.engine.EngineException;
import dev.streamgate.worker.engine.EngineException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Collects the tensor table of a model folder: the shards named by {@code model.safetensors.index.json} when it
 * exists, else {@code model.safetensors}, else every {@code *.safetensors} in the folder.
 */
public final class CheckpointFiles {

    static final String INDEX = "model.safetensors.index.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CheckpointFiles() {
    }

    public static List<TensorEntry> tensors(Path folder) {
        Path index = folder.resolve(INDEX);
        if (Files.isRegularFile(index)) return fromIndex(folder, index);
        Path single = folder.resolve("model.safetensors");
        List<Path> files;
        if (Files.isRegularFile(single)) {
            files = List.of(single);
        } else {
            try (Stream<Path> listing = Files.list(folder)) {
                files = listing.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            } catch (IOException e) {
                throw new EngineException(Kind.IO, "cannot list model folder " + folder + ": " + e.getMessage(), e);
            }
        }
        if (files.isEmpty()) throw new EngineException(Kind.MODEL, "no *.safetensors weights in " + folder);
        Map<String, TensorEntry> byName = new LinkedHashMap<>();
        for (Path file : files) {
            for (TensorEntry t : SafetensorsHeader.read(file)) {
                TensorEntry previous = byName.putIfAbsent(t.name(), t);
                if (previous != null)
                    throw new EngineException(Kind.MODEL, "tensor " + t.name() + " appears in both " + previous.file() + " and " + file);
            }
        }
        return List.copyOf(byName.values());
    }

    private static List<TensorEntry> fromIndex(Path folder, Path index) {
        JsonNode weightMap;
        try {
            JsonNode root = JSON.readTree(Files.readString(index));
            weightMap = root == null ? null : root.get("weight_map");
        } catch (IOException e) {
            throw new EngineException(Kind.IO, "cannot read " + index + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new EngineException(Kind.MODEL, index + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject()) throw new EngineException(Kind.MODEL, index + " has no weight_map object");
        Map<String, String> fileOf = new LinkedHashMap<>();
        Set<String> shards = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            String shard = e.getValue().asString();
            if (shard.contains("/") || shard.contains("\\") || shard.startsWith("."))
                throw new EngineException(Kind.MODEL, index + " maps " + e.getKey() + " to a file outside the folder: " + shard);
            fileOf.put(e.getKey(), shard);
            shards.add(shard);
        }
        Map<String, Map<String, TensorEntry>> contents = new HashMap<>();
        for (String shard : shards) {
            Path file = folder.resolve(shard);
            if (!Files.isRegularFile(file)) throw new EngineException(Kind.MODEL, index + " names shard " + shard + ", which is missing");
            Map<String, TensorEntry> byName = new HashMap<>();
            for (TensorEntry t : SafetensorsHeader.read(file)) byName.put(t.name(), t);
            contents.put(shard, byName);
        }
        List<TensorEntry> result = new ArrayList<>(fileOf.size());
        for (Map.Entry<String, String> e : fileOf.entrySet()) {
            TensorEntry t = contents.get(e.getValue()).get(e.getKey());
            if (t == null)
                throw new EngineException(Kind.MODEL, index + " places tensor " + e.getKey() + " in " + e.getValue() + ", which lacks it");
            result.add(t);
        }
        return result;
    }
}
