package io.channelhub.hub.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnexpectedStatusCodeException;
import com.openai.models.ComparisonFilter;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.vectorstores.VectorStore;
import com.openai.models.vectorstores.VectorStoreCreateParams;
import com.openai.models.vectorstores.VectorStoreSearchParams;
import com.openai.models.vectorstores.VectorStoreSearchResponse;
import com.openai.models.vectorstores.files.VectorStoreFile;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Knowledge from the outside: the official openai-java client, unmodified, uploads files, builds a vector store and
 * searches it on the hub with the bundled Lucene plugin and the in-process embedding model (no key, no network);
 * an agent answers from the store with citations; another tenant sees none of it.
 */
abstract class KnowledgeContract extends HubIntegrationTest {

    private static final Path EVAL = Path.of("src/test/resources/knowledge-eval");
    private OpenAIClient client;
    private String tenant;
    private String key;

    @Override
    protected void morePlugins(Path dir) {
        TestPlugins.copyBundled(dir, "knowledge-lucene");
        TestPlugins.copyBundled(dir, "compliance-privacy");
    }

    /** Expiry runs every 30 polls: every 3 seconds here. */
    @Override
    protected io.dropwizard.testing.ConfigOverride[] overrides() {
        return new io.dropwizard.testing.ConfigOverride[] {
                io.dropwizard.testing.ConfigOverride.config("knowledge.pollInterval", "100ms")};
    }

    @BeforeAll
    void client() {
        tenant = hub.createTenant(slug("kn"));
        key = hub.createKey(tenant, "editor").get("key").asText();
        client = OpenAIOkHttpClient.builder().baseUrl(hub.url("/v1")).apiKey(key).maxRetries(0).build();
    }

    @AfterAll
    void close() {
        client.close();
    }

    private FileObject upload(String name) {
        return client.files().create(FileCreateParams.builder().file(EVAL.resolve(name))
                .purpose(FilePurpose.ASSISTANTS).build());
    }

    private VectorStore ready(String storeId, long files) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(
                () -> client.vectorStores().retrieve(storeId),
                v -> v.fileCounts().completed() + v.fileCounts().failed() == files);
    }

    @Test
    void theOfficialClientUploadsIndexesAndSearches() throws Exception {
        FileObject warranty = upload("northwind-warranty-returns.md");
        FileObject hours = upload("aurora-lojas-horarios.txt");
        assertThat(warranty.filename()).isEqualTo("northwind-warranty-returns.md");
        assertThat(warranty.bytes()).isEqualTo(Files.size(EVAL.resolve("northwind-warranty-returns.md")));
        assertThat(client.files().retrieve(warranty.id()).id()).isEqualTo(warranty.id());
        assertThat(client.files().list().autoPager().stream().map(FileObject::id).toList())
                .contains(warranty.id(), hours.id());
        try (HttpResponse content = client.files().content(warranty.id())) {
            assertThat(content.body().readAllBytes()).isEqualTo(Files.readAllBytes(
                    EVAL.resolve("northwind-warranty-returns.md")));
        }

        VectorStore store = client.vectorStores().create(VectorStoreCreateParams.builder().name("support")
                .addFileId(warranty.id()).addFileId(hours.id()).build());
        assertThat(store.name()).isEqualTo("support");
        VectorStore done = ready(store.id(), 2);
        assertThat(done.fileCounts().completed()).isEqualTo(2);
        assertThat(done.status()).isEqualTo(VectorStore.Status.COMPLETED);
        assertThat(done.usageBytes()).isPositive();
        List<VectorStoreFile> files = client.vectorStores().files().list(store.id()).data();
        assertThat(files).extracting(VectorStoreFile::status).containsOnly(VectorStoreFile.Status.COMPLETED);
        assertThat(files.get(0).chunkingStrategy().orElseThrow().asStatic().static_().maxChunkSizeTokens())
                .isEqualTo(256);

        List<VectorStoreSearchResponse> hits = client.vectorStores().search(store.id(),
                VectorStoreSearchParams.builder().query("how long is the warranty on a bike frame?")
                        .maxNumResults(3).build()).data();
        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0).fileId()).isEqualTo(warranty.id());
        assertThat(hits.get(0).filename()).isEqualTo("northwind-warranty-returns.md");
        assertThat(hits.get(0).score()).isBetween(0.0, 1.0);
        assertThat(hits.get(0).content().get(0).text()).containsIgnoringCase("frame");

        // Attributes, then a filter on them: only the Portuguese file passes.
        client.vectorStores().files().update(hours.id(), com.openai.models.vectorstores.files.FileUpdateParams
                .builder().vectorStoreId(store.id()).attributes(com.openai.models.vectorstores.files.FileUpdateParams
                        .Attributes.builder().putAdditionalProperty("lang", JsonValue.from("pt")).build()).build());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.vectorStores().search(
                store.id(), VectorStoreSearchParams.builder().query("warranty horário loja")
                        .filters(ComparisonFilter.builder().key("lang").type(ComparisonFilter.Type.EQ).value("pt")
                                .build()).build()).data())
                .isNotEmpty().extracting(VectorStoreSearchResponse::fileId).containsOnly(hours.id()));

        var chunks = client.vectorStores().files().content(warranty.id(),
                com.openai.models.vectorstores.files.FileContentParams.builder().vectorStoreId(store.id()).build());
        assertThat(chunks.data()).isNotEmpty();

        // A file deleted is gone from the store and from search.
        assertThat(client.files().delete(warranty.id()).deleted()).isTrue();
        assertThatThrownBy(() -> client.files().retrieve(warranty.id())).isInstanceOf(NotFoundException.class);
        assertThat(client.vectorStores().search(store.id(), VectorStoreSearchParams.builder()
                .query("warranty on a bike frame").build()).data())
                .extracting(VectorStoreSearchResponse::fileId).doesNotContain(warranty.id());
        assertThat(client.vectorStores().retrieve(store.id()).fileCounts().total()).isEqualTo(1);
        assertThat(client.vectorStores().delete(store.id()).deleted()).isTrue();
        assertThatThrownBy(() -> client.vectorStores().retrieve(store.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void refusesWhatItCannotReadBeforeStoringIt() {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0};
        assertThatThrownBy(() -> client.files().create(FileCreateParams.builder().file(elf)
                .purpose(FilePurpose.ASSISTANTS).build()))
                .isInstanceOfSatisfying(UnexpectedStatusCodeException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(415);
                    assertThat(e.body().toString()).contains("unsupported_file_type");
                });
        assertThatThrownBy(() -> client.files().create(FileCreateParams.builder().file(new byte[0])
                .purpose(FilePurpose.ASSISTANTS).build()))
                .isInstanceOf(com.openai.errors.UnprocessableEntityException.class);
        assertThatThrownBy(() -> client.files().create(FileCreateParams.builder().file("hello".getBytes())
                .purpose(FilePurpose.BATCH).build()))
                .isInstanceOf(com.openai.errors.UnprocessableEntityException.class);
        long stored = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM files WHERE tenant_id = :t "
                + "AND size_bytes = 20").bind("t", tenant).mapTo(Long.class).one());
        assertThat(stored).isZero();
    }

    @Test
    void anotherTenantSeesNothingOfIt() {
        FileObject f = upload("northwind-insurance.html");
        VectorStore store = client.vectorStores().create(VectorStoreCreateParams.builder().addFileId(f.id()).build());
        ready(store.id(), 1);
        String other = hub.createTenant(slug("kn-other"));
        String otherKey = hub.createKey(other, "admin").get("key").asText();
        TestHub.check(hub.get(otherKey, "/v1/files/" + f.id()), 404);
        TestHub.check(hub.get(otherKey, "/v1/files/" + f.id() + "/content"), 404);
        TestHub.check(hub.get(otherKey, "/v1/vector_stores/" + store.id()), 404);
        TestHub.check(hub.post(otherKey, "/v1/vector_stores/" + store.id() + "/search", Map.of("query", "insurance")),
                404);
        TestHub.check(hub.delete(otherKey, "/v1/files/" + f.id()), 404);
        // Their own store, with the same text, never returns this tenant's chunks.
        JsonNode theirs = TestHub.check(hub.post(otherKey, "/v1/vector_stores", Map.of("name", "x")), 200).json();
        JsonNode res = TestHub.check(hub.post(otherKey, "/v1/vector_stores/" + theirs.get("id").asText() + "/search",
                Map.of("query", "insurance damage excess")), 200).json();
        assertThat(res.get("data")).isEmpty();
        assertThat(TestHub.check(hub.get(otherKey, "/v1/files"), 200).json().get("data")).isEmpty();
    }

    @Test
    void anAgentAnswersFromItsStoreWithCitations() {
        FileObject f = upload("aurora-entregas.html");
        VectorStore store = client.vectorStores().create(VectorStoreCreateParams.builder().addFileId(f.id()).build());
        ready(store.id(), 1);
        String agentSlug = slug("kb-agent");
        String agent = TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", agentSlug, "name", "KB",
                "knowledge", Map.of("vector_store_ids", List.of(store.id())))), 201).json()
                .get("id").asText();
        String conv = TestHub.check(hub.post(key, "/v1/conversations", Map.of("agent_id", agent)), 201).json()
                .get("id").asText();
        JsonNode turn = TestHub.check(hub.post(key, "/v1/conversations/" + conv + "/messages",
                Map.of("content", "Qual a taxa de entrega para o bairro Batel?")), 201).json();
        JsonNode reply = turn.get("reply");
        assertThat(reply.get("content").asText()).contains("From your documents, aurora-entregas.html [1]");
        assertThat(reply.get("citations")).isNotEmpty();
        assertThat(reply.get("citations").get(0).get("file_id").asText()).isEqualTo(f.id());
        assertThat(reply.get("citations").get(0).get("filename").asText()).isEqualTo("aurora-entregas.html");
        assertThat(reply.get("citations").get(0).get("index").asInt()).isEqualTo(1);
        // Stored with the reply: the conversation's history shows them too.
        JsonNode history = TestHub.check(hub.get(key, "/v1/conversations/" + conv + "/messages"), 200).json();
        assertThat(history.toString()).contains("\"citations\"");

        // The OpenAI-compatible endpoint runs the same retrieval; its answer carries the citations as an extra field,
        // which the official client keeps.
        var cc = client.chat().completions().create(com.openai.models.chat.completions.ChatCompletionCreateParams
                .builder().model(agentSlug).addUserMessage("Qual a taxa de entrega para o bairro Batel?").build());
        assertThat(cc.choices().get(0).message().content()).hasValueSatisfying(t ->
                assertThat(t).contains("From your documents, aurora-entregas.html [1]"));
        assertThat(cc._additionalProperties().get("citations").toString()).contains(f.id())
                .contains("aurora-entregas.html");
    }
    @Test
    void aSubjectsExportAndErasureReachTheFilesThatMentionThem() {
        String admin = hub.createKey(tenant, "admin").get("key").asText();
        String email = "ana.souza." + System.nanoTime() + "@example.com";
        JsonNode f = TestHub.check(hub.upload(admin, "/v1/files", "assistants", "vip-customers.txt",
                ("Clientes VIP\n\nAna Souza (" + email + ") tem desconto de 15% em encomendas.")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)), 200).json();
        String store = TestHub.check(hub.post(admin, "/v1/vector_stores", Map.of("file_ids",
                List.of(f.get("id").asText()))), 200).json().get("id").asText();
        ready(store, 1);
        JsonNode export = TestHub.check(hub.post(admin, "/v1/privacy/requests", Map.of("type", "export", "subject",
                email)), 201).json();
        // The archive the subject gets holds the passage that names them, with the file it is in.
        Map<String, String> archive = TestHub.unzip(hub.download(admin, "/v1/privacy/requests/"
                + export.get("id").asText() + "/archive", 200));
        assertThat(archive.get("knowledge_files.csv")).contains(email).contains("vip-customers.txt");
        assertThat(archive.get("subject.json")).contains("desconto de 15%");
        JsonNode erasure = TestHub.check(hub.post(admin, "/v1/privacy/requests", Map.of("type", "erasure",
                "subject", email)), 201).json();
        assertThat(erasure.get("report").get("deleted").get("knowledge_files").asInt()).isEqualTo(1);
        TestHub.check(hub.get(admin, "/v1/files/" + f.get("id").asText()), 404);
        assertThat(TestHub.check(hub.post(admin, "/v1/vector_stores/" + store + "/search", Map.of("query",
                "desconto VIP Ana Souza")), 200).json().get("data")).isEmpty();
        long left = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM knowledge_chunks WHERE "
                + "tenant_id = :t AND content LIKE :s").bind("t", tenant).bind("s", "%" + email + "%")
                .mapTo(Long.class).one());
        assertThat(left).isZero();
    }

    @Test
    void deletingATenantEmptiesItsIndexOnThisReplica() {
        String doomed = hub.createTenant(slug("kn-gone"));
        String key2 = hub.createKey(doomed, "admin").get("key").asText();
        JsonNode f = TestHub.check(hub.upload(key2, "/v1/files", "assistants", "faq.md",
                "# FAQ\n\nWe ship to the Azores on Tuesdays.".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                200).json();
        String store = TestHub.check(hub.post(key2, "/v1/vector_stores", Map.of("file_ids",
                List.of(f.get("id").asText()))), 200).json().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> hub.get(key2, "/v1/vector_stores/" + store).json()
                .path("file_counts").path("completed").asInt() == 1);
        var index = hub.app().plugins().knowledgeIndexes().values().iterator().next().index();
        var query = new io.channelhub.plugin.knowledge.IndexQuery(doomed, List.of(store), "Azores Tuesdays", null,
                "local/all-minilm-l6-v2", 5, null, io.channelhub.plugin.knowledge.IndexQuery.Mode.KEYWORD);
        assertThat(index.search(query)).isNotEmpty();
        TestHub.check(hub.delete(TestHub.ROOT_KEY, "/admin/tenants/" + doomed), 204);
        assertThat(index.search(query)).isEmpty();
        long rows = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT (SELECT COUNT(*) FROM files WHERE "
                + "tenant_id = :t) + (SELECT COUNT(*) FROM knowledge_chunks WHERE tenant_id = :t) + (SELECT COUNT(*) "
                + "FROM file_parts WHERE tenant_id = :t)").bind("t", doomed).mapTo(Long.class).one());
        assertThat(rows).isZero();
    }

    @Test
    void aHardStorageQuotaRefusesTheUploadThatWouldPassItAndADeleteGivesRoomBack() {
        String t = hub.createTenant(slug("kn-quota"));
        String k = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", Map.of("usage_type",
                "storage.bytes", "period", "total", "limit", 100, "mode", "hard")), 201);
        byte[] sixty = "a".repeat(60).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String first = TestHub.check(hub.upload(k, "/v1/files", "assistants", "a.txt", sixty), 200).json().get("id")
                .asText();
        TestHub.Reply refused = hub.upload(k, "/v1/files", "assistants", "b.txt", sixty);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("quota_exceeded");
        assertThat(TestHub.check(hub.get(k, "/v1/files"), 200).json().get("data")).hasSize(1);
        TestHub.check(hub.delete(k, "/v1/files/" + first), 200);
        TestHub.check(hub.upload(k, "/v1/files", "assistants", "b.txt", sixty), 200);
    }

    @Test
    void aFileIsDeletedEverywhereWhenItExpires() {
        JsonNode f = TestHub.check(hub.upload(key, "/v1/files", "assistants", "promo.txt",
                "Promo: free helmets this week.".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 200).json();
        String store = TestHub.check(hub.post(key, "/v1/vector_stores", Map.of("file_ids",
                List.of(f.get("id").asText()))), 200).json().get("id").asText();
        ready(store, 1);
        hub.app().jdbi().useHandle(h -> h.createUpdate("UPDATE files SET expires_at = :past WHERE id = :id")
                .bind("past", java.time.Instant.now().minusSeconds(1)).bind("id", f.get("id").asText()).execute());
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.get(key, "/v1/files/" + f.get("id").asText())
                .status() == 404);
        assertThat(hub.get(key, "/v1/vector_stores/" + store).json().path("file_counts").path("total").asInt())
                .isZero();
    }
}
