package dev.streamgate.gateway.testsupport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Every gateway test runs under BlockHound: a blocking call on a non-blocking thread fails. */
class BlockHoundSessionTest {

    @Test
    void sleepingOnAParallelThreadFails() {
        Mono<Void> sleeps = Mono.<Void>fromRunnable(() -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).subscribeOn(Schedulers.parallel());

        assertThatThrownBy(sleeps::block).hasRootCauseInstanceOf(BlockingOperationError.class);
    }
}
