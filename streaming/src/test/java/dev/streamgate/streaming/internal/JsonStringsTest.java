package dev.streamgate.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonGenerator;

/** The hand-written string writer against Jackson's generator, which the rest of the encoder's output comes from. */
class JsonStringsTest {

    private static String jackson(String text) {
        ByteSink out = new ByteSink(64);
        try (JsonGenerator g = StreamingJson.generator(out)) {
            g.writeString(text);
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String ours(String text) {
        ByteSink out = new ByteSink(8);
        JsonStrings.writeQuoted(out, text);
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void everyAsciiCharacterIsWrittenAsJacksonWritesIt() {
        for (char c = 0; c < 0x80; c++) {
            String text = "a" + c + "b";
            assertThat(ours(text)).as("U+%04X", (int) c).isEqualTo(jackson(text));
        }
    }

    @Test
    void textBeyondAsciiIsWrittenAsJacksonWritesIt() {
        List<String> samples = List.of("", "héllo wörld", "日本語のテキスト", "emoji 😀 and 𝄞 clef", "\u2028\u2029",
                "\u007f\u0080\u07ff\u0800\uffff", "tab\tnew\nline\r\"quoted\" back\\slash /slash", "\u0000\u001f",
                "a".repeat(5000) + "😀" + "b".repeat(3000));
        for (String text : samples) {
            assertThat(ours(text)).isEqualTo(jackson(text));
        }
    }

    @Test
    void randomTextIsWrittenAsJacksonWritesIt() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(round < 1900 ? 40 : 3000);
            for (int i = 0; i < length; i++) {
                switch (random.nextInt(5)) {
                    case 0 -> text.append((char) random.nextInt(0x80));
                    case 1 -> text.append((char) (0x80 + random.nextInt(0x780)));
                    case 2 -> text.append((char) (0x800 + random.nextInt(0xD000 - 0x800)));
                    case 3 -> text.appendCodePoint(0x10000 + random.nextInt(0x10FFFF - 0x10000));
                    default -> text.append("abc xyz ");
                }
            }
            assertThat(ours(text.toString())).isEqualTo(jackson(text.toString()));
        }
    }

    @Test
    void aPairAcrossTheSegmentBoundaryStaysWhole() {
        List<String> texts = new ArrayList<>();
        for (int offset = 1020; offset < 1030; offset++) {
            texts.add("x".repeat(offset) + "😀" + "y");
        }
        for (String text : texts) {
            assertThat(ours(text)).isEqualTo(jackson(text));
        }
    }
}
