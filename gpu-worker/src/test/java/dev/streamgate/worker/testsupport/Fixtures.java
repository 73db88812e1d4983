package dev.streamgate.worker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The reference fixtures copied into test resources: tiny Hugging Face model folders plus {@code expected.json}. */
public final class Fixtures {
    public static final List<String> NAMES =
            List.of("llama-gqa-f32", "llama-gqa-bf16", "llama3-rope-tied-f32", "qwen2-bias-tied-f32");

    private Fixtures() {
    }

    public static Path folder(String name) {
        return resource("/fixtures/" + name);
    }

    /** The demo chat model as it ships in the worker's main resources. */
    public static Path demoChat() {
        return resource("/models/demo-chat");
    }

    public static JsonNode expected(String name) {
        return json(folder(name).resolve("expected.json"));
    }

    public static JsonNode json(Path file) {
        try {
            return JsonMapper.shared().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::intValue).toArray();
    }

    private static Path resource(String name) {
        URL url = Fixtures.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
