package dev.streamgate.worker.engine.internal;

import dev.streamgate.worker.engine.EngineException;
import dev.streamgate.worker.engine.EngineException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads {@code libstreamgate_engine.so} once per class loader: from {@code -Dstreamgate.engine.library=<path>}
 * when set, else from the classpath resource the build puts in the jar (extracted to a temporary file when it
 * is inside a jar). Loading registers the natives of {@link NativeBridge}.
 */
public final class NativeLibrary {

    public static final String RESOURCE = "/native/linux-x86_64/libstreamgate_engine.so";
    public static final String OVERRIDE_PROPERTY = "streamgate.engine.library";

    private static boolean loaded;

    private NativeLibrary() {
    }

    public static synchronized void load() {
        if (loaded) return;
        String override = System.getProperty(OVERRIDE_PROPERTY);
        if (override != null && !override.isBlank()) {
            loadFile(Path.of(override).toAbsolutePath());
        } else {
            checkPlatform();
            URL url = NativeLibrary.class.getResource(RESOURCE);
            if (url == null)
                throw new EngineException(Kind.UNSUPPORTED, "the native engine " + RESOURCE + " is not on the classpath: "
                        + "build gpu-worker with cmake and a C++17 compiler (./mvnw -pl gpu-worker -am package)");
            loadFile(url.getProtocol().equals("file") ? fileOf(url) : extract(url));
        }
        loaded = true;
    }

    private static void checkPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64")))
            throw new EngineException(Kind.UNSUPPORTED, "no native engine for " + os + "/" + arch + " (only linux/x86-64 is built)");
    }

    private static Path fileOf(URL url) {
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new EngineException(Kind.IO, "cannot resolve " + url, e);
        }
    }

    // A library inside a jar has to be a real file for dlopen; once loaded the file can go.
    private static Path extract(URL url) {
        try (InputStream in = url.openStream()) {
            Path file = Files.createTempFile("libstreamgate_engine", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new EngineException(Kind.IO, "cannot extract the native engine from " + url + ": " + e.getMessage(), e);
        }
    }

    private static void loadFile(Path file) {
        try {
            System.load(file.toString());
        } catch (UnsatisfiedLinkError e) {
            throw new EngineException(Kind.UNSUPPORTED, "cannot load the native engine " + file + ": " + e.getMessage(), e);
        }
    }
}
