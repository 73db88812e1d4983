package dev.streamgate.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Models that ship inside the worker jar (under {@code models/<name>/}): the demo chat model, so that the gateway's
 * embedded default and {@code java -jar ... --model demo-chat} serve a real model with no download.
 */
public final class BundledModel {
    public static final String DEMO_CHAT = "demo-chat";

    private static final List<String> FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "chat_template.jinja", "model.safetensors");

    private BundledModel() {
    }

    public static boolean exists(String name) {
        return BundledModel.class.getResource(resource(name, "config.json")) != null;
    }

    /**
     * A folder holding the bundled model: the resource folder itself when the classes run from a directory, else a
     * copy in a temporary directory (deleted at exit).
     */
    public static Path folder(String name) {
        URL config = BundledModel.class.getResource(resource(name, "config.json"));
        if (config == null) {
            throw new IllegalArgumentException("no bundled model named " + name);
        }
        try {
            if ("file".equals(config.getProtocol())) {
                return Path.of(config.toURI()).getParent();
            }
            // deleteOnExit runs in reverse order of registration: the folders go after their files.
            Path parent = Files.createTempDirectory("streamgate-model-");
            parent.toFile().deleteOnExit();
            Path folder = Files.createDirectories(parent.resolve(name));
            folder.toFile().deleteOnExit();
            for (String file : FILES) {
                try (InputStream in = BundledModel.class.getResourceAsStream(resource(name, file))) {
                    if (in != null) {
                        Path target = folder.resolve(file);
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        target.toFile().deleteOnExit();
                    }
                }
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack bundled model " + name, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name, String file) {
        return "/models/" + name + "/" + file;
    }
}
