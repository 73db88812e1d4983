package dev.streamgate.streaming.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The scanner answers as the Jackson reader does or leaves the answer to it: on the chunks upstreams send, on the
 * same chunks mutated byte by byte, and on random chunks. Where Jackson fails (malformed JSON, a field of the wrong
 * type), the scanner must not answer at all.
 */
class ChunkScannerTest {
    /** Chunks as OpenAI, vLLM, llama.cpp and others send them; every one of these is the scanner's to read. */
    private static final List<String> COMMON = List.of(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\","
                    + "\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                    + "\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}",
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,"
                    + "\"finish_reason\":null}],\"usage\":null}",
            "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"no\"},\"finish_reason\":\"content_filter\"}]}",
            "{ \"choices\" : [ { \"delta\" : { \"content\" : \"spaced\\n\" } , \"index\" : 0 } ] }\n",
            "{\"choices\":[{\"delta\":{\"content\":\"x\"},\"index\":1},{\"delta\":{\"content\":\"y\"},\"index\":0}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                    + "\"\\u00e9\\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\b\\f\\r\\t\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"日本語 😀 é\"}}]}",
            "{\"choices\":[{\"index\":-0,\"delta\":{\"content\":\"minus zero\"}}]}",
            "{\"choices\":[{\"index\":0.0,\"delta\":{\"content\":\"not index 0\"}}]}",
            "{\"choices\":[{\"index\":\"0\",\"delta\":{\"content\":\"a string index\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"tool_calls\":null,\"x\":[1,2.5e-3,true,"
                    + "false,null,{\"a\":{\"b\":[]}}]},\"logprobs\":{\"content\":[{\"token\":\"a\",\"logprob\":-0.1}]},"
                    + "\"finish_reason\":null}],\"object\":7,\"error\":null}",
            "{\"choices\":[],\"usage\":null}",
            "{\"choices\":null}",
            "{}",
            "{\"cho\\u0069ces\":[{\"index\":0,\"delta\":{\"content\":\"escaped key\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"first\"}}],\"choices\":[]}");

    /** Chunks the Jackson reader must read: tool calls, usage, errors, and shapes it reads in its own way. */
    private static final List<String> JACKSONS = List.of(
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                    + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}",
            "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}",
            "{\"object\":\"error\",\"message\":\"boom\"}",
            "{\"object\":{\"choices\":[{\"delta\":{\"content\":\"inside\"}}]}}",
            "{\"choices\":[{\"index\":[0],\"delta\":{\"content\":\"array index\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":7}}]}",
            "{\"choices\":{}}",
            "{\"choices\":[{\"index\":0,\"delta\":[]}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"raw\u0001control\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"raw\u001fcontrol\"}}]}",
            "{\"choices\":[{\"index\":01,\"delta\":{\"content\":\"leading zero\"}}]}",
            "{\"choices\":[]} trailing",
            "[\"not an object\"]",
            "");

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The Jackson reader's answer, or the exception's class when it fails. */
    private static Object jackson(byte[] bytes) {
        try {
            return ChunkReader.readWithJackson(bytes);
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    private static void agrees(byte[] bytes) {
        ChunkReader.Chunk scanned = ChunkScanner.scan(bytes);
        if (scanned != null) {
            assertThat(scanned).as(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(jackson(bytes));
        }
    }

    @Test
    void theCommonChunksAreScannedAsJacksonReadsThem() {
        for (String chunk : COMMON) {
            byte[] bytes = utf8(chunk);
            assertThat(ChunkScanner.scan(bytes)).as(chunk).isNotNull().isEqualTo(jackson(bytes));
        }
    }

    @Test
    void theOthersAreLeftToJackson() {
        for (String chunk : JACKSONS) {
            assertThat(ChunkScanner.scan(utf8(chunk))).as(chunk).isNull();
        }
    }

    @Test
    void mutatedChunksAreScannedAsJacksonReadsThemOrLeftToIt() {
        Random random = new Random(7);
        byte[] alphabet = utf8("{}[]\",:\\u0123456789.eE+-truefalsn \n\t\u0000\u0001\u001f\u007fé😀");
        List<String> corpus = new ArrayList<>(COMMON);
        corpus.addAll(JACKSONS);
        for (String chunk : corpus) {
            byte[] original = utf8(chunk);
            for (int round = 0; round < 3000 && original.length > 0; round++) {
                byte[] bytes = original.clone();
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    bytes = mutate(bytes, random, alphabet);
                }
                agrees(bytes);
            }
        }
    }

    @Test
    void randomChunksAreScannedAsJacksonReadsThem() {
        Random random = new Random(11);
        int scanned = 0;
        for (int round = 0; round < 5000; round++) {
            byte[] bytes = utf8(randomChunk(random));
            agrees(bytes);
            scanned += ChunkScanner.scan(bytes) != null ? 1 : 0;
        }
        assertThat(scanned).as("most random chunks are the common kind").isGreaterThan(2500);
    }

    private static byte[] mutate(byte[] bytes, Random random, byte[] alphabet) {
        if (bytes.length == 0) {
            return bytes;
        }
        int at = random.nextInt(bytes.length);
        return switch (random.nextInt(4)) {
            case 0 -> { // delete
                byte[] out = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, out, 0, at);
                System.arraycopy(bytes, at + 1, out, at, bytes.length - at - 1);
                yield out;
            }
            case 1 -> { // insert
                byte[] out = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, out, 0, at);
                out[at] = alphabet[random.nextInt(alphabet.length)];
                System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
                yield out;
            }
            case 2 -> { // replace
                bytes[at] = alphabet[random.nextInt(alphabet.length)];
                yield bytes;
            }
            default -> Arrays.copyOf(bytes, at); // truncate
        };
    }

    private static String randomChunk(Random random) {
        List<String> fields = new ArrayList<>();
        fields.add("\"id\":" + randomString(random));
        fields.add("\"object\":\"chat.completion.chunk\"");
        fields.add("\"created\":" + random.nextInt(Integer.MAX_VALUE));
        if (random.nextInt(5) == 0) {
            fields.add("\"extra\":" + randomValue(random, 0));
        }
        List<String> choices = new ArrayList<>();
        int count = random.nextInt(3);
        for (int i = 0; i < count; i++) {
            List<String> choice = new ArrayList<>();
            choice.add("\"index\":" + (random.nextInt(4) == 0 ? "null" : Integer.toString(random.nextInt(2))));
            List<String> delta = new ArrayList<>();
            if (random.nextBoolean()) {
                delta.add("\"content\":" + (random.nextInt(6) == 0 ? "null" : randomString(random)));
            }
            if (random.nextInt(6) == 0) {
                delta.add("\"refusal\":" + randomString(random));
            }
            if (random.nextInt(4) == 0) {
                delta.add("\"role\":\"assistant\"");
            }
            choice.add("\"delta\":{" + String.join(",", delta) + "}");
            if (random.nextBoolean()) {
                choice.add("\"finish_reason\":" + (random.nextBoolean() ? "null" : "\"stop\""));
            }
            if (random.nextInt(4) == 0) {
                choice.add("\"logprobs\":" + randomValue(random, 0));
            }
            Collections.shuffle(choice, random);
            choices.add("{" + String.join(",", choice) + "}");
        }
        fields.add("\"choices\":[" + String.join(",", choices) + "]");
        Collections.shuffle(fields, random);
        String ws = random.nextInt(4) == 0 ? " \n" : "";
        return "{" + ws + String.join("," + ws, fields) + ws + "}";
    }

    private static String randomValue(Random random, int depth) {
        return switch (depth > 3 ? random.nextInt(4) : random.nextInt(6)) {
            case 0 -> randomString(random);
            case 1 -> List.of("0", "-1", "3.25", "1e9", "-2.5E-3", "12345678901234567890").get(random.nextInt(6));
            case 2 -> List.of("true", "false", "null").get(random.nextInt(3));
            case 3 -> "\"\"";
            case 4 -> "[" + randomValue(random, depth + 1) + "," + randomValue(random, depth + 1) + "]";
            default -> "{\"k\":" + randomValue(random, depth + 1) + "}";
        };
    }

    private static String randomString(Random random) {
        StringBuilder text = new StringBuilder("\"");
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(8)) {
                case 0 -> text.append("\\n");
                case 1 -> text.append("\\u").append(String.format("%04x", random.nextInt(0x10000)));
                case 2 -> text.append("é");
                case 3 -> text.append("😀");
                case 4 -> text.append("\\\"");
                default -> text.append((char) ('a' + random.nextInt(26)));
            }
        }
        return text.append('"').toString();
    }
}
