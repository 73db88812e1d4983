package dev.streamgate.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

import dev.streamgate.worker.template.ChatTemplate;
import dev.streamgate.worker.tokenizer.TokenVocabulary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the Java side reads from a Hugging Face model folder (the engine reads the weights): the context length,
 * BOS and EOS ids, whether completion prompts get BOS, and generation_config.json's sampling defaults.
 *
 * @param eosTokenIds {@code config.json}'s and {@code generation_config.json}'s {@code eos_token_id} (an int or a
 *                    list in either) and tokenizer_config.json's {@code eos_token}: any of them ends generation
 */
public record ModelFolder(Path path, String architecture, int contextLength, OptionalInt bosTokenId,
                          Set<Integer> eosTokenIds, boolean addBosToken, SamplingDefaults samplingDefaults) {

    /** generation_config.json's sampling values, used where a request leaves them out. */
    public record SamplingDefaults(OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
                                   OptionalDouble minP, OptionalDouble repetitionPenalty) {
    }

    public ModelFolder {
        eosTokenIds = Set.copyOf(eosTokenIds);
    }

    public static ModelFolder read(Path folder, TokenVocabulary vocabulary) {
        JsonNode config = json(folder.resolve("config.json"), true);
        JsonNode generation = json(folder.resolve("generation_config.json"), false);
        JsonNode tokenizerConfig = json(folder.resolve("tokenizer_config.json"), false);

        JsonNode architectures = config.path("architectures");
        String architecture = architectures.isArray() && !architectures.isEmpty()
                ? architectures.get(0).asString("") : config.path("model_type").asString("unknown");
        int context = config.path("max_position_embeddings").asInt(0);
        if (context <= 0) {
            throw new IllegalArgumentException("config.json of " + folder + " has no max_position_embeddings");
        }

        OptionalInt bos = OptionalInt.empty();
        String bosText = ChatTemplate.tokenText(tokenizerConfig.path("bos_token"));
        if (bosText != null) {
            bos = vocabulary.idOf(bosText);
        } else if (config.path("bos_token_id").isIntegralNumber() && !tokenizerConfig.has("bos_token")) {
            bos = OptionalInt.of(config.path("bos_token_id").intValue());
        }

        Set<Integer> eos = new LinkedHashSet<>();
        addIds(config.path("eos_token_id"), eos);
        addIds(generation.path("eos_token_id"), eos);
        String eosText = ChatTemplate.tokenText(tokenizerConfig.path("eos_token"));
        if (eosText != null) {
            vocabulary.idOf(eosText).ifPresent(eos::add);
        }

        boolean addBos = tokenizerConfig.path("add_bos_token").asBoolean(true);
        SamplingDefaults defaults = new SamplingDefaults(
                optionalDouble(generation.path("temperature")), optionalDouble(generation.path("top_p")),
                generation.path("top_k").isIntegralNumber() ? OptionalInt.of(generation.path("top_k").intValue())
                        : OptionalInt.empty(),
                optionalDouble(generation.path("min_p")), optionalDouble(generation.path("repetition_penalty")));
        return new ModelFolder(folder, architecture, context, bos, eos, addBos, defaults);
    }

    private static void addIds(JsonNode ids, Set<Integer> into) {
        if (ids.isIntegralNumber()) {
            into.add(ids.intValue());
        } else if (ids.isArray()) {
            for (JsonNode id : ids) {
                if (id.isIntegralNumber()) {
                    into.add(id.intValue());
                }
            }
        }
    }

    private static OptionalDouble optionalDouble(JsonNode node) {
        return node.isNumber() ? OptionalDouble.of(node.doubleValue()) : OptionalDouble.empty();
    }

    private static JsonNode json(Path file, boolean required) {
        if (!Files.exists(file)) {
            if (required) {
                throw new IllegalArgumentException("model folder " + file.getParent() + " has no " + file.getFileName());
            }
            return JsonMapper.shared().createObjectNode();
        }
        try {
            return JsonMapper.shared().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
