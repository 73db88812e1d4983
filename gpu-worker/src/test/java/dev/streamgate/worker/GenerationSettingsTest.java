package dev.streamgate.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class GenerationSettingsTest {
    private static final ModelFolder.SamplingDefaults NONE = new ModelFolder.SamplingDefaults(OptionalDouble.empty(),
            OptionalDouble.empty(), OptionalInt.empty(), OptionalDouble.empty(), OptionalDouble.empty());

    @Test
    void openAiDefaultsWhenNothingIsSet() {
        GenerationSettings settings = read("{}", NONE);
        assertThat(settings.sampling().temperature()).isEqualTo(1f);
        assertThat(settings.sampling().topP()).isEqualTo(1f);
        assertThat(settings.sampling().topK()).isZero();
        assertThat(settings.maxTokens()).isNull();
        assertThat(settings.skipSpecialTokens()).isTrue();
        assertThat(settings.sampling().seed()).as("drawn for a sampled request").isEqualTo(
                new SplittableRandom(1).nextLong());
    }

    @Test
    void generationConfigDefaultsApplyWhereTheRequestIsSilent() {
        var defaults = new ModelFolder.SamplingDefaults(OptionalDouble.of(0.6), OptionalDouble.of(0.9),
                OptionalInt.of(40), OptionalDouble.empty(), OptionalDouble.of(1.1));
        GenerationSettings settings = read("{\"top_p\": 0.5}", defaults);
        assertThat(settings.sampling().temperature()).isEqualTo(0.6f);
        assertThat(settings.sampling().topP()).isEqualTo(0.5f);
        assertThat(settings.sampling().topK()).isEqualTo(40);
        assertThat(settings.sampling().repetitionPenalty()).isEqualTo(1.1f);
    }

    @Test
    void readsEverySamplingField() {
        GenerationSettings settings = read("""
                {"temperature": 0, "top_k": 5, "min_p": 0.1, "presence_penalty": 0.5, "frequency_penalty": -0.5,
                 "repetition_penalty": 1.2, "seed": 9, "stop": "END", "max_completion_tokens": 7, "logprobs": true,
                 "top_logprobs": 0, "ignore_eos": true, "skip_special_tokens": false, "priority": -1}""", NONE);
        assertThat(settings.sampling().temperature()).isZero();
        assertThat(settings.sampling().topK()).isEqualTo(5);
        assertThat(settings.sampling().minP()).isEqualTo(0.1f);
        assertThat(settings.sampling().presencePenalty()).isEqualTo(0.5f);
        assertThat(settings.sampling().frequencyPenalty()).isEqualTo(-0.5f);
        assertThat(settings.sampling().repetitionPenalty()).isEqualTo(1.2f);
        assertThat(settings.sampling().seed()).isEqualTo(9);
        assertThat(settings.sampling().logprobs()).as("the sampled token's logprob needs one").isEqualTo(1);
        assertThat(settings.stop()).containsExactly("END");
        assertThat(settings.maxTokens()).isEqualTo(7);
        assertThat(settings.logprobs()).isTrue();
        assertThat(settings.topLogprobs()).isZero();
        assertThat(settings.ignoreEos()).isTrue();
        assertThat(settings.skipSpecialTokens()).isFalse();
        assertThat(settings.priority()).isEqualTo(-1);
    }

    private static GenerationSettings read(String json, ModelFolder.SamplingDefaults defaults) {
        return GenerationSettings.read(JsonMapper.shared().readTree(json), GenerationSettings.Api.CHAT, defaults,
                new SplittableRandom(1));
    }
}
