package dev.streamgate.adapters.echo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.TokenEstimator;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.openai.ChatMessage;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * The built-in {@code echo} model: streams the last user message back one word per token, whitespace kept, so that
 * the concatenated deltas equal the message. It serves the embedded default before a real model is configured and
 * lets benchmarks measure the gateway without a model's cost.
 *
 * <p>Option {@code tokenDelayMs} (default 0) spaces tokens out on the injected scheduler, to imitate a model's
 * pace. {@code max_tokens} caps the words emitted (finish reason {@code length}). Usage is flagged as estimated:
 * prompt tokens are the gateway's {@link TokenEstimator} estimate; completion tokens are the words emitted, which
 * are this model's tokens (so that they agree with {@code max_tokens}).
 */
public final class EchoAdapter implements InferenceAdapter {
    public static final String OPTION_TOKEN_DELAY_MS = "tokenDelayMs";

    private final String deploymentId;
    private final Duration tokenDelay;
    private final Scheduler scheduler;

    public EchoAdapter(DeploymentConfig deployment, Scheduler scheduler) {
        this.deploymentId = Objects.requireNonNull(deployment, "deployment").id();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.tokenDelay = Duration.ofMillis(parseDelay(deployment));
    }

    @Override
    public String deploymentId() {
        return deploymentId;
    }

    @Override
    public Flux<StreamEvent> stream(InferenceRequest request) {
        Objects.requireNonNull(request, "request");
        return Flux.defer(() -> {
            List<ChatMessage> messages = request.chat().messages();
            List<String> words = words(lastUserText(messages));
            Integer maxTokens = request.chat().maxTokens();
            int count = maxTokens == null ? words.size() : Math.min(words.size(), Math.max(0, maxTokens));
            FinishReason reason = count < words.size() ? FinishReason.LENGTH : FinishReason.STOP;
            Flux<StreamEvent> tokens = Flux.fromIterable(words.subList(0, count)).map(StreamEvent.TextDelta::new);
            if (!tokenDelay.isZero()) {
                tokens = tokens.delayElements(tokenDelay, scheduler);
            }
            Usage usage = new Usage(TokenEstimator.promptTokens(request.chat()), count, true);
            return tokens.concatWith(Flux.just(new StreamEvent.UsageReport(usage), new StreamEvent.Finish(reason)));
        });
    }

    /** Splits text into words, each keeping the whitespace after it; leading whitespace joins the first word. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int length = text.length();
        int start = 0;
        int index = 0;
        while (index < length && Character.isWhitespace(text.charAt(index))) {
            index++;
        }
        while (index < length) {
            while (index < length && !Character.isWhitespace(text.charAt(index))) {
                index++;
            }
            while (index < length && Character.isWhitespace(text.charAt(index))) {
                index++;
            }
            words.add(text.substring(start, index));
            start = index;
        }
        if (start < length) {
            words.add(text.substring(start)); // whitespace only: echoed as it is
        }
        return words;
    }

    private static String lastUserText(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == ChatMessage.Role.USER) {
                return messages.get(i).text();
            }
        }
        return "";
    }

    private static long parseDelay(DeploymentConfig deployment) {
        String value = deployment.option(OPTION_TOKEN_DELAY_MS, "0");
        try {
            long millis = Long.parseLong(value.strip());
            if (millis < 0) {
                throw new NumberFormatException();
            }
            return millis;
        } catch (NumberFormatException e) {
            throw new ConfigException("deployment option " + OPTION_TOKEN_DELAY_MS + " of " + deployment.id()
                    + " must be a whole number of milliseconds, zero or more, was " + value);
        }
    }
}
