package dev.streamgate.worker.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bytes every token id stands for, and which ids are special. Detokenization works on bytes rather than on
 * the tokenizer's per-token strings because a byte-level BPE token may hold part of a UTF-8 character.
 *
 * <p>Read from {@code tokenizer.json}: byte-level decoders (GPT-2, Llama 3, Qwen2) map each character of a token
 * back to its byte; SentencePiece-style decoders ({@code Metaspace}, or {@code Replace "▁"} with
 * {@code ByteFallback}) turn {@code ▁} into a space and {@code <0xNN>} into a byte. Any other decoder is rejected
 * by name rather than decoded wrongly.
 */
public final class TokenVocabulary {
    private static final byte[] NONE = new byte[0];
    private static final char SENTENCEPIECE_SPACE = '\u2581';

    private final byte[][] bytes;
    private final boolean[] special;
    private final Map<String, Integer> ids;

    private TokenVocabulary(byte[][] bytes, boolean[] special, Map<String, Integer> ids) {
        this.bytes = bytes;
        this.special = special;
        this.ids = Map.copyOf(ids);
    }

    /** A vocabulary whose token {@code i} is the UTF-8 of {@code pieces.get(i)}, for tests and synthetic models. */
    public static TokenVocabulary ofPieces(List<String> pieces, Set<Integer> specialIds) {
        byte[][] bytes = new byte[pieces.size()][];
        boolean[] special = new boolean[pieces.size()];
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < pieces.size(); i++) {
            bytes[i] = pieces.get(i).getBytes(StandardCharsets.UTF_8);
            special[i] = specialIds.contains(i);
            ids.putIfAbsent(pieces.get(i), i);
        }
        return new TokenVocabulary(bytes, special, ids);
    }

    /** A vocabulary whose token {@code i} is {@code tokens.get(i)}, for tests and synthetic models. */
    public static TokenVocabulary ofBytes(List<byte[]> tokens, Set<Integer> specialIds) {
        byte[][] bytes = new byte[tokens.size()][];
        boolean[] special = new boolean[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            bytes[i] = tokens.get(i).clone();
            special[i] = specialIds.contains(i);
        }
        return new TokenVocabulary(bytes, special, Map.of());
    }

    public static TokenVocabulary fromTokenizerJson(Path tokenizerJson) {
        try {
            return fromTokenizerJson(JsonMapper.shared().readTree(Files.readString(tokenizerJson)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerJson, e);
        }
    }

    static TokenVocabulary fromTokenizerJson(JsonNode root) {
        PieceDecoder decoder = PieceDecoder.of(root.path("decoder"));
        Map<String, Integer> ids = new HashMap<>();
        root.path("model").path("vocab").properties().forEach(e -> ids.put(e.getKey(), e.getValue().intValue()));
        Map<Integer, String> addedContent = new HashMap<>();
        Map<Integer, Boolean> addedSpecial = new HashMap<>();
        for (JsonNode added : root.path("added_tokens")) {
            int id = added.path("id").intValue();
            addedContent.put(id, added.path("content").stringValue());
            addedSpecial.put(id, added.path("special").asBoolean(false));
        }
        int size = 0;
        for (int id : ids.values()) {
            size = Math.max(size, id + 1);
        }
        for (int id : addedContent.keySet()) {
            size = Math.max(size, id + 1);
        }
        byte[][] bytes = new byte[size][];
        boolean[] special = new boolean[size];
        ids.forEach((piece, id) -> bytes[id] = decoder.bytes(piece));
        addedContent.forEach((id, content) -> {
            // Hugging Face decodes added tokens with the same decoder as the model's pieces.
            bytes[id] = decoder.bytes(content);
            special[id] = addedSpecial.get(id);
            ids.put(content, id);
        });
        for (int i = 0; i < size; i++) {
            if (bytes[i] == null) {
                bytes[i] = NONE;
            }
        }
        return new TokenVocabulary(bytes, special, ids);
    }

    /** One past the largest token id the tokenizer knows. */
    public int size() {
        return bytes.length;
    }

    public boolean isSpecial(int tokenId) {
        return tokenId >= 0 && tokenId < special.length && special[tokenId];
    }

    /** The id of a token given by its string in {@code tokenizer.json} (e.g. {@code <|eot_id|>}). */
    public OptionalInt idOf(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The token's text on its own, with bytes of split characters shown as U+FFFD (as OpenAI's logprobs do). */
    public String text(int tokenId) {
        return new String(bytesOf(tokenId), StandardCharsets.UTF_8);
    }

    /** The token's bytes; ids the tokenizer does not know (padding rows of a larger embedding) have none. */
    public byte[] bytes(int tokenId) {
        return bytesOf(tokenId).clone();
    }

    byte[] bytesOf(int tokenId) {
        return tokenId >= 0 && tokenId < bytes.length ? bytes[tokenId] : NONE;
    }

    /** How one decoder family turns a vocabulary piece into bytes. */
    private interface PieceDecoder {
        byte[] bytes(String piece);

        static PieceDecoder of(JsonNode decoder) {
            String type = decoder.path("type").asString("");
            return switch (type) {
                case "ByteLevel" -> ByteLevelAlphabet::decode;
                case "Metaspace" -> PieceDecoder::sentencePiece;
                case "Sequence" -> sequence(decoder);
                default -> throw new IllegalArgumentException("unsupported tokenizer decoder type '" + type
                        + "' in tokenizer.json (supported: ByteLevel, Metaspace, Sequence of Replace/ByteFallback)");
            };
        }

        private static PieceDecoder sequence(JsonNode decoder) {
            boolean byteLevel = false;
            boolean sentencePiece = false;
            for (JsonNode step : decoder.path("decoders")) {
                switch (step.path("type").asString("")) {
                    case "ByteLevel" -> byteLevel = true;
                    case "ByteFallback", "Metaspace", "Replace" -> sentencePiece = true;
                    // Fuse joins pieces and Strip trims the start of a whole decoded text; neither changes the
                    // bytes of a continuation, which is all a streaming decoder produces.
                    case "Fuse", "Strip" -> {
                    }
                    default -> throw new IllegalArgumentException("unsupported tokenizer decoder step '"
                            + step.path("type").asString("") + "' in tokenizer.json");
                }
            }
            if (byteLevel) {
                return ByteLevelAlphabet::decode;
            }
            if (sentencePiece) {
                return PieceDecoder::sentencePiece;
            }
            return piece -> piece.getBytes(StandardCharsets.UTF_8);
        }

        private static byte[] sentencePiece(String piece) {
            if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
                Optional<Integer> value = parseHexByte(piece.substring(3, 5));
                if (value.isPresent()) {
                    return new byte[] {(byte) (int) value.get()};
                }
            }
            return piece.replace(SENTENCEPIECE_SPACE, ' ').getBytes(StandardCharsets.UTF_8);
        }

        private static Optional<Integer> parseHexByte(String hex) {
            try {
                return Optional.of(Integer.parseInt(hex, 16));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
