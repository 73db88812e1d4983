package dev.streamgate.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

import dev.streamgate.worker.testsupport.Fixtures;
import tools.jackson.databind.JsonNode;

class IncrementalDetokenizerTest {
    static final List<String> FIXTURES = Fixtures.NAMES;

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void streamingTheGreedyTokensGivesTransformersText(String fixture) {
        TokenVocabulary vocabulary = TokenVocabulary.fromTokenizerJson(Fixtures.folder(fixture).resolve("tokenizer.json"));
        for (JsonNode prompt : Fixtures.expected(fixture).path("prompts")) {
            IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(vocabulary, false);
            StringBuilder text = new StringBuilder();
            for (int id : Fixtures.ints(prompt.path("greedy_ids"))) {
                String piece = detokenizer.push(id);
                assertNoLoneSurrogate(piece);
                text.append(piece);
            }
            text.append(detokenizer.finish());
            assertThat(text.toString()).isEqualTo(prompt.path("greedy_text").stringValue());
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void promptTextRoundTrips(String fixture) {
        TokenVocabulary vocabulary = TokenVocabulary.fromTokenizerJson(Fixtures.folder(fixture).resolve("tokenizer.json"));
        for (JsonNode prompt : Fixtures.expected(fixture).path("prompts")) {
            IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(vocabulary, true);
            StringBuilder text = new StringBuilder();
            for (int id : Fixtures.ints(prompt.path("input_ids"))) {
                text.append(detokenizer.push(id));
            }
            assertThat(text.append(detokenizer.finish()).toString()).isEqualTo(prompt.path("text").stringValue());
        }
    }

    @Test
    void holdsBackASplitCharacterUntilItIsComplete() {
        byte[] rocket = "🚀".getBytes(StandardCharsets.UTF_8);
        TokenVocabulary vocabulary = new TokenVocabularyBuilder().bytesPieces(rocket).build();
        IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(vocabulary, true);

        assertThat(detokenizer.push(1)).isEmpty();
        assertThat(detokenizer.push(2)).isEmpty();
        assertThat(detokenizer.holdsPartialCharacter()).isTrue();
        assertThat(detokenizer.push(3)).isEmpty();
        assertThat(detokenizer.push(4)).isEqualTo("🚀");
        assertThat(detokenizer.holdsPartialCharacter()).isFalse();
    }

    @Test
    void illFormedBytesBecomeOneReplacementPerMaximalSubpart() {
        // E2 82 followed by 'A': the two-byte prefix of a three-byte character is one maximal subpart.
        TokenVocabulary vocabulary = new TokenVocabularyBuilder()
                .bytesPieces(new byte[] {(byte) 0xE2, (byte) 0x82, 'A', (byte) 0xC0, (byte) 0xF0, (byte) 0x9F})
                .build();
        IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(vocabulary, true);
        StringBuilder text = new StringBuilder();
        for (int id = 1; id <= 6; id++) {
            text.append(detokenizer.push(id));
        }
        assertThat(text.toString()).isEqualTo("\uFFFDA\uFFFD");
        assertThat(detokenizer.finish()).isEqualTo("\uFFFD");
    }

    @Test
    void specialTokensAreSkippedUnlessAsked() {
        TokenVocabulary vocabulary = TokenVocabulary.ofPieces(List.of("<|eot_id|>", "hi"), Set.of(0));
        assertThat(new IncrementalDetokenizer(vocabulary, true).push(0)).isEmpty();
        assertThat(new IncrementalDetokenizer(vocabulary, false).push(0)).isEqualTo("<|eot_id|>");
    }

    private static void assertNoLoneSurrogate(String piece) {
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(i + 1 < piece.length() && Character.isLowSurrogate(piece.charAt(i + 1)))
                        .as("surrogate pair split in %s", piece).isTrue();
                i++;
            } else {
                assertThat(Character.isLowSurrogate(c)).as("lone low surrogate in %s", piece).isFalse();
            }
        }
    }

    /** A vocabulary of id 0 = a special token, then one token per given byte. */
    private static final class TokenVocabularyBuilder {
        private byte[] bytes = new byte[0];

        TokenVocabularyBuilder bytesPieces(byte[] bytes) {
            this.bytes = bytes;
            return this;
        }

        TokenVocabulary build() {
            return TokenVocabulary.ofBytes(singleBytes(bytes), Set.of(0));
        }

        private static List<byte[]> singleBytes(byte[] bytes) {
            List<byte[]> out = new ArrayList<>();
            out.add("<s>".getBytes(StandardCharsets.UTF_8));
            for (byte b : bytes) {
                out.add(new byte[] {b});
            }
            return out;
        }
    }
}
