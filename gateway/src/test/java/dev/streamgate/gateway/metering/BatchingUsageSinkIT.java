package dev.streamgate.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.streamgate.gateway.persistence.DatabaseEndpoint;
import dev.streamgate.gateway.persistence.PostgresConnectionPools;
import dev.streamgate.gateway.testsupport.MigratedDatabase;
import dev.streamgate.gateway.testsupport.TcpProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.test.StepVerifier;

/** The usage sink writing to PostgreSQL: exactly once per request id, in batches, through outages and shutdown. */
class BatchingUsageSinkIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Instant AT = Instant.parse("2026-11-27T10:15:30Z");

    private static MigratedDatabase db;

    @BeforeAll
    static void database() {
        db = MigratedDatabase.create();
        db.client().sql("insert into plans (id, name, tenant_rpm, tenant_tpm, tenant_concurrent, key_rpm, key_tpm,"
                + " key_concurrent) values ('p', 'P', 1, 1, 1, 1, 1, 1)").then().block(TIMEOUT);
        db.client().sql("insert into tenants (id, name, plan_id) values ('acme', 'Acme', 'p')").then().block(TIMEOUT);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static MeteringProperties properties(Duration window, int batchSize) {
        return new MeteringProperties(window, batchSize, 10_000, Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofSeconds(10));
    }

    private static UsageRecord usage(String requestId, String tenant, int promptTokens) {
        return new UsageRecord(requestId, tenant, "key-1", "echo", "echo", promptTokens, 7, false,
                new BigDecimal("0.0012"), UsageRecord.Status.COMPLETED, "stop", Duration.ofMillis(40),
                Duration.ofMillis(900), AT);
    }

    private static long rows(String prefix) {
        return db.client().sql("select count(*) as n from usage_records where request_id like $1")
                .bind(0, prefix + "%").map(r -> r.get("n", Long.class)).one().block(TIMEOUT);
    }

    private static double count(SimpleMeterRegistry registry, String name) {
        return registry.get(name).counter().count();
    }

    @Test
    void writesEachRequestIdOnceAndFullBatchesWithoutWaitingForTheWindow() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BatchingUsageSink sink = new BatchingUsageSink(new UsageRecordWriter(db.client()), properties(NEVER, 10),
                registry);
        sink.start();
        try {
            for (int i = 0; i < 25; i++) {
                sink.record(usage("batch-" + i, "acme", i));
            }
            // Two full batches go out at once; the last five wait for the window (an hour) or a flush.
            await().atMost(TIMEOUT).until(() -> rows("batch-") == 20);
            assertThat(sink.backlog()).isEqualTo(5);
            assertThat(registry.get("streamgate.usage.queue.depth").gauge().value()).isEqualTo(5);

            // Retried requests: same ids, other numbers. The first record of each id stands.
            for (int i = 0; i < 5; i++) {
                sink.record(usage("batch-" + i, "acme", 1000 + i));
            }
            StepVerifier.create(sink.flush()).expectComplete().verify(TIMEOUT);

            assertThat(rows("batch-")).isEqualTo(25);
            assertThat(db.client().sql("select sum(prompt_tokens) as s from usage_records where request_id like"
                    + " 'batch-%'").map(r -> r.get("s", Long.class)).one().block(TIMEOUT)).isEqualTo(300L);
            assertThat(count(registry, "streamgate.usage.records.written")).isEqualTo(25);
            assertThat(count(registry, "streamgate.usage.records.duplicates")).isEqualTo(5);
            assertThat(registry.get("streamgate.usage.batch.duration").timer().count()).isEqualTo(3);
        } finally {
            sink.stop();
            sink.destroy();
        }
    }

    @Test
    void writesAPartialBatchWhenTheFlushWindowEnds() {
        BatchingUsageSink sink = new BatchingUsageSink(new UsageRecordWriter(db.client()),
                properties(Duration.ofMillis(200), 100), new SimpleMeterRegistry());
        sink.start();
        try {
            for (int i = 0; i < 3; i++) {
                sink.record(usage("window-" + i, "acme", 1));
            }
            await().atMost(TIMEOUT).until(() -> rows("window-") == 3);
        } finally {
            sink.stop();
            sink.destroy();
        }
    }

    @Test
    void storesEveryFieldOfARecord() {
        BatchingUsageSink sink = new BatchingUsageSink(new UsageRecordWriter(db.client()), properties(NEVER, 10),
                new SimpleMeterRegistry());
        sink.start();
        sink.record(new UsageRecord("fields-1", "acme", null, "gpt-4o", null, 12, 0, true, new BigDecimal("0.000042"),
                UsageRecord.Status.CANCELLED, null, null, Duration.ofMillis(1234), AT));
        StepVerifier.create(sink.flush()).expectComplete().verify(TIMEOUT);
        sink.stop();
        sink.destroy();

        Map<String, Object> row = db.client().sql("select * from usage_records where request_id = 'fields-1'")
                .fetch().one().block(TIMEOUT);
        assertThat(row).containsEntry("tenant_id", "acme").containsEntry("key_id", null)
                .containsEntry("model", "gpt-4o").containsEntry("deployment_id", null)
                .containsEntry("prompt_tokens", 12).containsEntry("completion_tokens", 0)
                .containsEntry("estimated", true).containsEntry("status", "cancelled")
                .containsEntry("finish_reason", null).containsEntry("ttft_ms", null)
                .containsEntry("duration_ms", 1234);
        assertThat((BigDecimal) row.get("cost")).isEqualByComparingTo("0.000042");
        assertThat(row.get("created_at")).isEqualTo(AT.atOffset(java.time.ZoneOffset.UTC));
    }

    @Test
    void shutdownWritesWhatIsQueuedAndReportsRecordsThatCameTooLate() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BatchingUsageSink sink = new BatchingUsageSink(new UsageRecordWriter(db.client()), properties(NEVER, 100),
                registry);
        sink.start();
        for (int i = 0; i < 7; i++) {
            sink.record(usage("shutdown-" + i, "acme", 1));
        }
        assertThat(rows("shutdown-")).isZero();

        sink.stop();
        assertThat(rows("shutdown-")).isEqualTo(7);
        assertThat(sink.isRunning()).isFalse();

        sink.record(usage("shutdown-late", "acme", 1));
        sink.destroy();
        assertThat(rows("shutdown-")).isEqualTo(8);

        sink.record(usage("shutdown-after-close", "acme", 1));
        assertThat(count(registry, "streamgate.usage.records.unwritten")).isEqualTo(1);
        assertThat(rows("shutdown-")).isEqualTo(8);
    }

    @Test
    void keepsRecordsWhileTheDatabaseIsAwayAndWritesThemOnceItIsBack() {
        DatabaseEndpoint real = db.endpoint();
        try (TcpProxy proxy = new TcpProxy(real.host(), real.port())) {
            ConnectionPool pool = PostgresConnectionPools.create(new DatabaseEndpoint("127.0.0.1", proxy.port(),
                    real.database(), real.username(), real.password(), null), MigratedDatabase.smallPool());
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            BatchingUsageSink sink = new BatchingUsageSink(new UsageRecordWriter(DatabaseClient.create(pool)),
                    properties(Duration.ofMillis(100), 5), registry);
            sink.start();
            try {
                for (int i = 0; i < 5; i++) {
                    sink.record(usage("outage-" + i, "acme", 1));
                }
                StepVerifier.create(sink.flush()).expectComplete().verify(TIMEOUT);

                proxy.down();
                for (int i = 5; i < 17; i++) {
                    sink.record(usage("outage-" + i, "acme", 1));
                }
                await().atMost(TIMEOUT).until(() -> count(registry, "streamgate.usage.write.failures") >= 3);
                assertThat(rows("outage-")).isEqualTo(5);

                proxy.up();
                StepVerifier.create(sink.flush()).expectComplete().verify(TIMEOUT);
                assertThat(rows("outage-")).isEqualTo(17);
                assertThat(count(registry, "streamgate.usage.records.written")).isEqualTo(17);
                assertThat(count(registry, "streamgate.usage.records.duplicates")).isZero();
            } finally {
                sink.stop();
                sink.destroy();
                pool.dispose();
            }
        }
    }

    @Test
    void setsRefusedRecordsAsideAndWritesTheRestOfTheirBatch() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BatchingUsageSink sink = new BatchingUsageSink(new UsageRecordWriter(db.client()), properties(NEVER, 10),
                registry);
        sink.start();
        List<UsageRecord> batch = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            batch.add(usage("refused-" + i, i == 6 ? "no-such-tenant" : "acme", 1));
        }
        batch.forEach(sink::record);
        StepVerifier.create(sink.flush()).expectComplete().verify(TIMEOUT);
        sink.stop();
        sink.destroy();

        assertThat(rows("refused-")).isEqualTo(8);
        Map<String, Object> letter = db.client().sql("select request_id, tenant_id, record::text as record, error"
                + " from usage_dead_letters where request_id = 'refused-6'").fetch().one().block(TIMEOUT);
        assertThat(letter).containsEntry("tenant_id", "no-such-tenant");
        assertThat((String) letter.get("error")).contains("foreign key");
        assertThat((String) letter.get("record")).contains("\"prompt_tokens\": 1").contains("\"model\": \"echo\"");
        assertThat(count(registry, "streamgate.usage.records.dead_lettered")).isEqualTo(1);
        assertThat(count(registry, "streamgate.usage.records.written")).isEqualTo(8);
    }
}
