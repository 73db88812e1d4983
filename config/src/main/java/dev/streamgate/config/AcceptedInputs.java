package dev.streamgate.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a deployment's model accepts in a chat request: the content part types of messages (OpenAI's chat
 * completions API has {@code text}, {@code image_url}, {@code input_audio} and {@code file}) and whether it
 * takes {@code tools}. Declared with the deployment option {@value #OPTION}, a comma-separated list such as
 * {@code text,image_url,tools}; without it, the provider's default holds: an OpenAI-compatible upstream accepts
 * everything (it answers for itself), the in-process worker and the echo model take text only.
 *
 * <p>The gateway checks a request against this before any upstream call, so that a request a model cannot take
 * is the caller's 400 naming the field, rather than a backend failure that counts against the deployment.
 */
public record AcceptedInputs(Set<String> contentParts, boolean tools) {
    public static final String OPTION = "accepts";
    public static final String TOOLS = "tools";
    public static final Set<String> ALL_CONTENT_PARTS = Set.of("text", "image_url", "input_audio", "file");
    public static final AcceptedInputs EVERYTHING = new AcceptedInputs(ALL_CONTENT_PARTS, true);
    public static final AcceptedInputs TEXT_ONLY = new AcceptedInputs(Set.of("text"), false);

    public AcceptedInputs {
        contentParts = Set.copyOf(contentParts);
    }

    /** The deployment's declared inputs, else its provider's default. */
    public static AcceptedInputs of(DeploymentConfig deployment) {
        String declared = deployment.option(OPTION, null);
        if (declared == null || declared.isBlank()) {
            return deployment.provider() == ProviderKind.OPENAI ? EVERYTHING : TEXT_ONLY;
        }
        Set<String> items = Arrays.stream(declared.split(","))
                .map(item -> item.strip().toLowerCase(Locale.ROOT))
                .filter(item -> !item.isEmpty())
                .collect(Collectors.toSet());
        for (String item : items) {
            if (!item.equals(TOOLS) && !ALL_CONTENT_PARTS.contains(item)) {
                throw new ConfigException("deployment " + deployment.id() + ": options." + OPTION + " lists '" + item
                        + "'; expected some of " + ALL_CONTENT_PARTS + " and " + TOOLS);
            }
        }
        return new AcceptedInputs(items.stream().filter(ALL_CONTENT_PARTS::contains).collect(Collectors.toSet()),
                items.contains(TOOLS));
    }

    /** What both accept: a request routed to a model may land on any of its deployments. */
    public AcceptedInputs and(AcceptedInputs other) {
        return new AcceptedInputs(contentParts.stream().filter(other.contentParts::contains)
                .collect(Collectors.toSet()), tools && other.tools);
    }
}
