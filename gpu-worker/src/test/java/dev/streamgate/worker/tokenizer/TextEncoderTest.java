package dev.streamgate.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.streamgate.worker.testsupport.Fixtures;

class TextEncoderTest {

    @Test
    void longPromptsAreNotTruncatedSoTheContextCheckSeesTheirRealLength() {
        try (TextEncoder encoder = TextEncoder.open(Fixtures.folder("llama-gqa-f32").resolve("tokenizer.json"))) {
            assertThat(encoder.encode("word ".repeat(3000)).length).isGreaterThan(2000);
        }
    }

    @Test
    void addedTokensInTextBecomeTheirIdsButNoSpecialTokenIsAdded() {
        try (TextEncoder encoder = TextEncoder.open(Fixtures.folder("llama-gqa-f32").resolve("tokenizer.json"))) {
            int[] ids = encoder.encode("<|begin_of_text|>hi<|eot_id|>");
            assertThat(ids[0]).isZero();
            assertThat(ids[ids.length - 1]).isEqualTo(4);
            assertThat(encoder.encode("hi")).doesNotContain(0, 4);
        }
    }
}
