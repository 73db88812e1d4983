package dev.streamgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the report tools share: the notes given on their command line and writing their Markdown file. */
final class ReportFiles {
    private ReportFiles() {
    }

    /** The lines of a {@code --note} option, separated by {@code |}; none when it was not given. */
    static List<String> notes(String note) {
        return note == null ? List.of() : List.of(note.split("\\|"));
    }

    /** Writes {@code content} to {@code file}, creating its folder. */
    static void write(Path file, String content) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
