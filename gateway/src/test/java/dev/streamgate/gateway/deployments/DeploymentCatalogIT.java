package dev.streamgate.gateway.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.PoolSettings;
import dev.streamgate.config.Price;
import dev.streamgate.config.ProviderKind;
import dev.streamgate.config.UpstreamTimeouts;
import dev.streamgate.gateway.testsupport.MigratedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The deployments table and the catalog that merges it with configuration, against PostgreSQL. */
class DeploymentCatalogIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final DeploymentConfig ECHO = new DeploymentConfig("echo", "echo", ProviderKind.ECHO, null, null,
            null, 1, null, null, null, Map.of("tokenDelayMs", "20"));

    private static MigratedDatabase db;
    private static DeploymentRepository repository;

    @BeforeAll
    static void database() {
        db = MigratedDatabase.create();
        repository = new DeploymentRepository(db.client());
    }

    @BeforeEach
    void emptyTable() {
        db.client().sql("delete from model_deployments").fetch().rowsUpdated().block(TIMEOUT);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static DeploymentConfig openai(String id, String model, int weight) {
        return new DeploymentConfig(id, model, ProviderKind.OPENAI, URI.create("https://api.example.com/v1"),
                "sk-upstream", model + "-2024", weight, new Price(new BigDecimal("2.5"), new BigDecimal("10")),
                new PoolSettings(32, 64, Duration.ofMillis(1500), Duration.ofSeconds(20)),
                new UpstreamTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(15), Duration.ofSeconds(5),
                        Duration.ofMinutes(3)),
                Map.of("region", "eu"));
    }

    @Test
    void storesEveryPartOfADeploymentAndAChangeAltersTheFingerprint() {
        DeploymentConfig d = openai("gpt4o-a", "gpt-4o", 80);
        String empty = repository.fingerprint().block(TIMEOUT);

        repository.insert(new StoredDeployment(d, true)).block(TIMEOUT);
        String afterInsert = repository.fingerprint().block(TIMEOUT);
        StepVerifier.create(repository.find("gpt4o-a"))
                .assertNext(stored -> {
                    assertThat(stored.enabled()).isTrue();
                    DeploymentConfig read = stored.config();
                    assertThat(read.price().inputPerMillion()).isEqualByComparingTo("2.5");
                    assertThat(read.price().outputPerMillion()).isEqualByComparingTo("10");
                    // The price scale comes from the column; everything else reads back exactly.
                    assertThat(read).usingRecursiveComparison().ignoringFields("price").isEqualTo(d);
                })
                .expectComplete().verify(TIMEOUT);

        repository.update(new StoredDeployment(openai("gpt4o-a", "gpt-4o", 20), false)).block(TIMEOUT);
        String afterUpdate = repository.fingerprint().block(TIMEOUT);
        StepVerifier.create(repository.find("gpt4o-a").map(s -> s.config().weight() + "/" + s.enabled()))
                .expectNext("20/false").expectComplete().verify(TIMEOUT);

        StepVerifier.create(repository.delete("gpt4o-a")).expectNext(true).expectComplete().verify(TIMEOUT);
        StepVerifier.create(repository.delete("gpt4o-a")).expectNext(false).expectComplete().verify(TIMEOUT);
        String afterDelete = repository.fingerprint().block(TIMEOUT);

        assertThat(List.of(empty, afterInsert, afterUpdate)).doesNotHaveDuplicates();
        assertThat(afterDelete).isEqualTo(empty);
        StepVerifier.create(repository.update(new StoredDeployment(d, true))).expectComplete().verify(TIMEOUT);
    }

    @Test
    void mergesConfigurationWithEnabledDatabaseDeploymentsAndFollowsChanges() {
        repository.insert(new StoredDeployment(openai("gpt4o-a", "gpt-4o", 80), true)).block(TIMEOUT);
        repository.insert(new StoredDeployment(openai("gpt4o-off", "gpt-4o", 10), false)).block(TIMEOUT);
        // Configuration owns "echo": a database row with that id must not replace it.
        repository.insert(new StoredDeployment(
                new DeploymentConfig("echo", "shadow", ProviderKind.ECHO, null, null, null, 1, null, null, null,
                        null), true)).block(TIMEOUT);

        PollingDeploymentCatalog here = catalog();
        PollingDeploymentCatalog elsewhere = catalog();
        try {
            assertThat(ids(here.deployments())).containsExactly("echo", "gpt4o-a");
            assertThat(here.find("echo")).contains(ECHO);
            assertThat(here.forModel("gpt-4o")).extracting(DeploymentConfig::weight).containsExactly(80);
            assertThat(here.isConfigured("echo")).isTrue();
            assertThat(here.isConfigured("gpt4o-a")).isFalse();

            // A deployment registered through "here" reaches "elsewhere" by polling alone.
            StepVerifier.create(elsewhere.changes().map(DeploymentCatalogIT::ids))
                    .expectNext(List.of("echo", "gpt4o-a"))
                    .then(() -> repository.insert(new StoredDeployment(openai("gpt4o-b", "gpt-4o", 20), true))
                            .then(here.refresh()).block(TIMEOUT))
                    .expectNext(List.of("echo", "gpt4o-a", "gpt4o-b"))
                    .then(() -> repository.delete("gpt4o-a").block(TIMEOUT))
                    .expectNext(List.of("echo", "gpt4o-b"))
                    .then(() -> repository.update(new StoredDeployment(openai("gpt4o-off", "gpt-4o", 10), true))
                            .block(TIMEOUT))
                    .expectNext(List.of("echo", "gpt4o-b", "gpt4o-off"))
                    .thenCancel()
                    .verify(TIMEOUT);
            // refresh() applied the change to "here" before returning, without waiting for a poll.
            assertThat(ids(here.deployments())).contains("gpt4o-b");
        } finally {
            here.stop();
            elsewhere.stop();
        }
    }

    @Test
    void unchangedPollsPublishNothingAndRefreshWorksBeforeStart() {
        PollingDeploymentCatalog catalog = new PollingDeploymentCatalog(List.of(ECHO), repository, POLL,
                Schedulers.parallel());
        repository.insert(new StoredDeployment(openai("gpt4o-a", "gpt-4o", 80), true)).block(TIMEOUT);
        StepVerifier.create(catalog.refresh()).expectComplete().verify(TIMEOUT);
        assertThat(ids(catalog.deployments())).containsExactly("echo", "gpt4o-a");

        catalog.start();
        try {
            StepVerifier.create(catalog.changes().map(DeploymentCatalogIT::ids))
                    .expectNext(List.of("echo", "gpt4o-a"))
                    .expectNoEvent(POLL.multipliedBy(5))
                    .thenCancel()
                    .verify(TIMEOUT);
        } finally {
            catalog.stop();
        }
    }

    @Test
    void refusesTwoConfiguredDeploymentsWithOneId() {
        assertThatThrownBy(() -> new PollingDeploymentCatalog(List.of(ECHO, ECHO), repository, POLL,
                Schedulers.parallel()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'echo' twice");
    }

    @Test
    void aFixedCatalogNeverChanges() {
        DeploymentCatalog fixed = DeploymentCatalog.of(List.of(ECHO));

        assertThat(fixed.forModel("echo")).containsExactly(ECHO);
        assertThat(fixed.find("nope")).isEmpty();
        StepVerifier.create(fixed.changes()).expectNext(List.of(ECHO)).expectNoEvent(Duration.ofMillis(50))
                .thenCancel().verify(TIMEOUT);
    }

    private PollingDeploymentCatalog catalog() {
        PollingDeploymentCatalog catalog = new PollingDeploymentCatalog(List.of(ECHO), repository, POLL,
                Schedulers.parallel());
        catalog.load(TIMEOUT);
        catalog.start();
        return catalog;
    }

    private static List<String> ids(List<DeploymentConfig> deployments) {
        return deployments.stream().map(DeploymentConfig::id).toList();
    }
}
