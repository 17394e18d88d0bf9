package io.channelhub.hub.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.channelhub.plugin.knowledge.IndexQuery;
import io.dropwizard.testing.ConfigOverride;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every replica keeps its own index in step with the database: a file ingested on one replica is searchable on
 * another as soon as the change is announced over Redis, its deletion reaches the other's index the same way, and a
 * replica started later builds its index from the database. The periodic comparison is set far out, so only the
 * announcements (and the start) can be what catches the other replicas up.
 */
class KnowledgeReplicasTest {

    @TempDir
    Path plugins;

    private static final ConfigOverride[] CONFIG = {
        ConfigOverride.config("redis.uri", "redis://127.0.0.1:6379"),
        ConfigOverride.config("knowledge.reconcileInterval", "1h"),
        ConfigOverride.config("knowledge.pollInterval", "200ms")};

    private static List<?> indexed(TestHub hub, String tenant, String store, String words) {
        var index = hub.app().plugins().knowledgeIndexes().values().iterator().next().index();
        return index.search(new IndexQuery(tenant, List.of(store), words, null, "local/all-minilm-l6-v2", 5, null,
                IndexQuery.Mode.KEYWORD));
    }

    @Test
    void aFileIngestedOnOneReplicaIsFoundOnTheOthersAndItsDeletionReachesThem() {
        TestPlugins.testChannel(plugins);
        TestPlugins.copyBundled(plugins, "knowledge-lucene");
        TestDatabase db = TestDatabase.create(TestDatabase.Kind.MARIADB);
        try (TestHub first = TestHub.start(db, plugins, CONFIG);
             TestHub second = TestHub.replica(db, plugins, CONFIG)) {
            String tenant = first.createTenant("kn-rep-" + Long.toString(System.nanoTime(), 36));
            String key = first.createKey(tenant, "admin").get("key").asText();
            JsonNode f = TestHub.check(first.upload(key, "/v1/files", "assistants", "tides.md",
                    "# Tides\n\nThe ferry to Cacilhas leaves every twenty minutes at high tide.".getBytes(
                            StandardCharsets.UTF_8)), 200).json();
            String store = TestHub.check(first.post(key, "/v1/vector_stores", Map.of("file_ids",
                    List.of(f.get("id").asText()))), 200).json().get("id").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> first.get(key, "/v1/vector_stores/" + store).json()
                    .path("file_counts").path("completed").asInt() == 1);

            // Whichever replica ingested it, both indexes hold it, and a search through either finds it.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(indexed(first, tenant, store, "ferry Cacilhas")).isNotEmpty();
                assertThat(indexed(second, tenant, store, "ferry Cacilhas")).isNotEmpty();
            });
            assertThat(TestHub.check(second.post(key, "/v1/vector_stores/" + store + "/search", Map.of("query",
                    "ferry to Cacilhas")), 200).json().get("data").get(0).get("file_id").asText())
                    .isEqualTo(f.get("id").asText());

            // A replica started now builds its index from the database.
            try (TestHub third = TestHub.replica(db, plugins, CONFIG)) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(indexed(third, tenant, store, "ferry Cacilhas")).isNotEmpty());
            }

            // Deleted on one replica: gone from the other's index too, not only hidden by the database's check.
            TestHub.check(second.delete(key, "/v1/files/" + f.get("id").asText()), 200);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(indexed(first, tenant, store, "ferry Cacilhas")).isEmpty();
                assertThat(indexed(second, tenant, store, "ferry Cacilhas")).isEmpty();
            });
        }
    }
}
