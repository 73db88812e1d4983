package dev.streamgate.adapters.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamgate.adapters.InferenceAdapterContract;
import dev.streamgate.adapters.TestRequests;
import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.ProviderKind;
import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.openai.ChatMessage;
import dev.streamgate.streaming.testsupport.CountingScheduler;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class EchoAdapterTest extends InferenceAdapterContract {
    private final CountingScheduler scheduler = new CountingScheduler(Schedulers.parallel());

    @Override
    protected InferenceAdapter adapter() {
        return echo(Map.of(EchoAdapter.OPTION_TOKEN_DELAY_MS, "1"), scheduler);
    }

    @Override
    protected InferenceAdapter slowAdapter() {
        return echo(Map.of(EchoAdapter.OPTION_TOKEN_DELAY_MS, "50"), scheduler);
    }

    @Override
    protected long backendCalls() {
        return scheduler.tasks();
    }

    private static EchoAdapter echo(Map<String, String> options, reactor.core.scheduler.Scheduler scheduler) {
        return new EchoAdapter(new DeploymentConfig("echo-1", "echo", ProviderKind.ECHO, null, null, null, 1, null,
                null, null, options), scheduler);
    }

    @Test
    void echoesTheLastUserMessageWordByWordKeepingWhitespace() {
        InferenceRequest request = new InferenceRequest("r1", "t1", TestRequests.chatRequest("echo", List.of(
                TestRequests.message(ChatMessage.Role.SYSTEM, "be brief"),
                TestRequests.message(ChatMessage.Role.USER, "first question"),
                TestRequests.message(ChatMessage.Role.ASSISTANT, "an answer"),
                TestRequests.message(ChatMessage.Role.USER, "  Hello,  big\nworld ")), null, true));

        StepVerifier.create(echo(Map.of(), Schedulers.immediate()).stream(request))
                .expectNext(new StreamEvent.TextDelta("  Hello,  "), new StreamEvent.TextDelta("big\n"),
                        new StreamEvent.TextDelta("world "))
                // TokenEstimator's prompt estimate: 3 to prime the reply, then per message 3 + UTF-8 bytes / 4
                // rounded up (8 bytes: 2, 14: 4, 9: 3, 20: 5)
                .expectNext(new StreamEvent.UsageReport(new Usage(3 + (3 + 2) + (3 + 4) + (3 + 3) + (3 + 5), 3, true)))
                .expectNext(new StreamEvent.Finish(FinishReason.STOP))
                .expectComplete()
                .verify(Duration.ofSeconds(1));
    }

    @Test
    void stopsAtMaxTokensWithFinishReasonLength() {
        StepVerifier.create(echo(Map.of(), Schedulers.immediate()).stream(TestRequests.chat("echo", "a b c d", 2)))
                .expectNext(new StreamEvent.TextDelta("a "), new StreamEvent.TextDelta("b "))
                .expectNextMatches(event -> event instanceof StreamEvent.UsageReport usage
                        && usage.usage().completionTokens() == 2 && usage.usage().estimated())
                .expectNext(new StreamEvent.Finish(FinishReason.LENGTH))
                .expectComplete()
                .verify(Duration.ofSeconds(1));
    }

    @Test
    void messageOfExactlyMaxTokensWordsFinishesWithStop() {
        StepVerifier.create(echo(Map.of(), Schedulers.immediate()).stream(TestRequests.chat("echo", "a b", 2)))
                .expectNextCount(3)
                .expectNext(new StreamEvent.Finish(FinishReason.STOP))
                .expectComplete()
                .verify(Duration.ofSeconds(1));
    }

    @Test
    void spacesTokensByTheConfiguredDelayOnTheInjectedScheduler() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        EchoAdapter adapter = echo(Map.of(EchoAdapter.OPTION_TOKEN_DELAY_MS, "100"), time);

        StepVerifier.withVirtualTime(() -> adapter.stream(TestRequests.chat("echo", "one two")), () -> time, 100)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(99))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(new StreamEvent.TextDelta("one "))
                .expectNoEvent(Duration.ofMillis(99))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(new StreamEvent.TextDelta("two"))
                .expectNextCount(2)
                .expectComplete()
                .verify(Duration.ofSeconds(1));
    }

    @Test
    void withoutAUserMessageFinishesAtOnce() {
        InferenceRequest request = new InferenceRequest("r1", "t1", TestRequests.chatRequest("echo",
                List.of(TestRequests.message(ChatMessage.Role.SYSTEM, "only a system prompt")), null, true));

        StepVerifier.create(echo(Map.of(), Schedulers.immediate()).stream(request))
                .expectNextMatches(StreamEvent.UsageReport.class::isInstance)
                .expectNext(new StreamEvent.Finish(FinishReason.STOP))
                .expectComplete()
                .verify(Duration.ofSeconds(1));
    }

    @Test
    void rejectsABadDelayOptionNamingIt() {
        assertThatThrownBy(() -> echo(Map.of(EchoAdapter.OPTION_TOKEN_DELAY_MS, "fast"), Schedulers.immediate()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenDelayMs");
        assertThatThrownBy(() -> echo(Map.of(EchoAdapter.OPTION_TOKEN_DELAY_MS, "-1"), Schedulers.immediate()))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void splitsWordsKeepingEveryCharacter() {
        assertThat(EchoAdapter.words("")).isEmpty();
        assertThat(EchoAdapter.words("   ")).containsExactly("   ");
        assertThat(EchoAdapter.words("a")).containsExactly("a");
        assertThat(String.join("", EchoAdapter.words(" x\t y  z\n"))).isEqualTo(" x\t y  z\n");
        assertThat(EchoAdapter.words(" x\t y  z\n")).containsExactly(" x\t ", "y  ", "z\n");
    }
}
