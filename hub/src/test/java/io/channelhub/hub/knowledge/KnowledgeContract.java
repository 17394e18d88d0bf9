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
import com.openai.core.MultipartField;
import com.openai.models.vectorstores.filebatches.FileBatchCancelParams;
import com.openai.models.vectorstores.filebatches.FileBatchCreateParams;
import com.openai.models.vectorstores.filebatches.FileBatchListFilesParams;
import com.openai.models.vectorstores.filebatches.FileBatchRetrieveParams;
import com.openai.models.vectorstores.filebatches.VectorStoreFileBatch;
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
    void anAgentMayOnlyRetrieveFromStoresOfItsOwnTenant() {
        String admin = hub.createKey(tenant, "admin").get("key").asText();
        TestHub.Reply unknown = hub.post(admin, "/v1/agents", Map.of("slug", slug("kn-none"), "name", "N",
                "knowledge", Map.of("vector_store_ids", List.of("vs_doesnotexist"))));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.code()).isEqualTo("invalid_agent");
        assertThat(unknown.body()).contains("knowledge.vector_store_ids").contains("vs_doesnotexist");
        // Another tenant's store is as unknown here as one that does not exist.
        String other = hub.createTenant(slug("kn-agent-other"));
        String otherKey = hub.createKey(other, "admin").get("key").asText();
        String theirs = TestHub.check(hub.post(otherKey, "/v1/vector_stores", Map.of("name", "theirs")), 200).json()
                .get("id").asText();
        assertThat(hub.post(admin, "/v1/agents", Map.of("slug", slug("kn-theirs"), "name", "T", "knowledge",
                Map.of("vector_store_ids", List.of(theirs)))).status()).isEqualTo(422);
        String mine = TestHub.check(hub.post(admin, "/v1/vector_stores", Map.of("name", "mine")), 200).json()
                .get("id").asText();
        String agent = TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", slug("kn-mine"), "name", "M",
                "knowledge", Map.of("vector_store_ids", List.of(mine)))), 201).json().get("id").asText();
        assertThat(hub.patch(admin, "/v1/agents/" + agent, Map.of("knowledge", Map.of("vector_store_ids",
                List.of(mine, theirs)))).status()).isEqualTo(422);
        // The model provider's hosted stores are not the hub's to check.
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", slug("kn-hosted"), "name", "H", "api",
                "responses", "knowledge", Map.of("vector_store_ids", List.of("vs_hosted123"), "mode",
                        "file_search"))), 201);
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

    @Test
    void theTenantsFilesRetentionDeletesOldUploadsFromStoresAndIndex() {
        String t = hub.createTenant(slug("kn-ret"));
        String k = hub.createKey(t, "admin").get("key").asText();
        byte[] oldText = "Tabela de 2019: frete gratuito acima de 300 reais.".getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        byte[] newText = "Tabela atual: frete gratuito acima de 500 reais.".getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        String old = TestHub.check(hub.upload(k, "/v1/files", "assistants", "tabela-2019.txt", oldText), 200).json()
                .get("id").asText();
        String kept = TestHub.check(hub.upload(k, "/v1/files", "assistants", "tabela-atual.txt", newText), 200).json()
                .get("id").asText();
        String store = TestHub.check(hub.post(k, "/v1/vector_stores", Map.of("file_ids", List.of(old, kept))), 200)
                .json().get("id").asText();
        await().atMost(Duration.ofSeconds(90)).until(() -> hub.get(k, "/v1/vector_stores/" + store).json()
                .path("file_counts").path("completed").asInt() == 2);
        hub.app().jdbi().useHandle(h -> h.createUpdate("UPDATE files SET created_at = :at WHERE id = :id")
                .bind("at", java.time.Instant.now().minus(Duration.ofDays(40))).bind("id", old).execute());
        TestHub.check(hub.send(k, "PUT", "/v1/privacy/settings", Map.of("retention_days", Map.of("files", 30))), 200);
        assertThat(TestHub.check(hub.get(k, "/v1/privacy/settings"), 200).json().get("effective_retention_days")
                .get("files").asInt()).isEqualTo(30);

        JsonNode dry = TestHub.check(hub.post(k, "/v1/privacy/retention/run", Map.of("dry_run", true)), 200).json();
        assertThat(dry.get("categories").get("files").get("would_delete").asLong()).isEqualTo(1);
        TestHub.check(hub.get(k, "/v1/files/" + old), 200);
        JsonNode run = TestHub.check(hub.post(k, "/v1/privacy/retention/run", Map.of("dry_run", false)), 200).json();
        assertThat(run.get("categories").get("files").get("deleted").asLong()).isEqualTo(1);

        TestHub.check(hub.get(k, "/v1/files/" + old), 404);
        TestHub.check(hub.get(k, "/v1/files/" + kept), 200);
        assertThat(hub.get(k, "/v1/vector_stores/" + store).json().path("file_counts").path("total").asInt())
                .isEqualTo(1);
        JsonNode hits = TestHub.check(hub.post(k, "/v1/vector_stores/" + store + "/search", Map.of("query",
                "frete gratuito tabela")), 200).json().get("data");
        assertThat(hits).isNotEmpty().allSatisfy(h -> assertThat(h.get("file_id").asText()).isEqualTo(kept));
        // Its storage is given back: the level counts the file that is left.
        long bytes = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COALESCE(SUM(quantity), 0) FROM "
                + "usage_events WHERE tenant_id = :t AND usage_type = 'storage.bytes'").bind("t", t)
                .mapTo(Long.class).one());
        assertThat(bytes).isEqualTo(newText.length);
    }

    @Test
    void operatorsSeeIngestionOutcomesTheBacklogAndTheIndexInTheScrape() {
        String k = hub.createKey(tenant, "admin").get("key").asText();
        String good = TestHub.check(hub.upload(k, "/v1/files", "assistants", "horario.txt",
                "Abrimos de segunda a sexta, das 9h às 18h.".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                200).json().get("id").asText();
        String blank = TestHub.check(hub.upload(k, "/v1/files", "assistants", "vazio.txt",
                " \n\n \n".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 200).json().get("id").asText();
        String store = TestHub.check(hub.post(k, "/v1/vector_stores", Map.of("file_ids", List.of(good, blank))), 200)
                .json().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode counts = hub.get(k, "/v1/vector_stores/" + store).json().path("file_counts");
            return counts.path("completed").asInt() == 1 && counts.path("failed").asInt() == 1;
        });
        String body = TestHub.check(hub.send(null, "GET", hub.adminUrl("/prometheus"), null), 200).body();
        assertThat(metric(body, "channelhub_knowledge_ingestions_total{outcome=\"completed\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metric(body, "channelhub_knowledge_ingestions_total{outcome=\"failed\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metric(body, "channelhub_knowledge_ingestion_pending")).isGreaterThanOrEqualTo(0);
        assertThat(metric(body, "channelhub_knowledge_ingestion_oldest_pending_seconds")).isGreaterThanOrEqualTo(0);
        assertThat(metric(body, "channelhub_knowledge_index_files")).isGreaterThanOrEqualTo(1);
        // The comparison at start has ended: the index matched the database a moment ago.
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(TestHub.check(hub.send(null, "GET",
                hub.adminUrl("/prometheus"), null), 200).body(), "channelhub_knowledge_index_reconciled_age_seconds") >= 0);
    }

    private static double metric(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no " + series + " in the scrape"));
    }

    @Test
    void storesPageForwardAndBackAsOpenAisListsDo() {
        String t = hub.createTenant(slug("kn-page"));
        String k = hub.createKey(t, "admin").get("key").asText();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(TestHub.check(hub.post(k, "/v1/vector_stores", Map.of("name", "s" + i)), 200).json().get("id")
                    .asText());
        }
        JsonNode first = TestHub.check(hub.get(k, "/v1/vector_stores?limit=2&order=asc"), 200).json();
        assertThat(storeIds(first)).containsExactly(ids.get(0), ids.get(1));
        assertThat(first.get("has_more").asBoolean()).isTrue();
        JsonNode second = TestHub.check(hub.get(k, "/v1/vector_stores?limit=2&order=asc&after="
                + first.get("last_id").asText()), 200).json();
        assertThat(storeIds(second)).containsExactly(ids.get(2), ids.get(3));
        // Back from the second page: the first again, in the same order, with nothing before it.
        JsonNode back = TestHub.check(hub.get(k, "/v1/vector_stores?limit=2&order=asc&before="
                + second.get("first_id").asText()), 200).json();
        assertThat(storeIds(back)).containsExactly(ids.get(0), ids.get(1));
        assertThat(back.get("has_more").asBoolean()).isFalse();
        JsonNode newest = TestHub.check(hub.get(k, "/v1/vector_stores?limit=2&before=" + ids.get(1)), 200).json();
        assertThat(storeIds(newest)).containsExactly(ids.get(3), ids.get(2));
        assertThat(newest.get("has_more").asBoolean()).isTrue();
        assertThat(hub.get(k, "/v1/vector_stores?after=" + ids.get(0) + "&before=" + ids.get(4)).status())
                .isEqualTo(422);
        // The official client pages through all of them with its own cursors.
        OpenAIClient own = OpenAIOkHttpClient.builder().baseUrl(hub.url("/v1")).apiKey(k).maxRetries(0).build();
        try {
            List<String> all = new java.util.ArrayList<>();
            own.vectorStores().list(com.openai.models.vectorstores.VectorStoreListParams.builder().limit(2).build())
                    .autoPager().forEach(v -> all.add(v.id()));
            List<String> newestFirst = new java.util.ArrayList<>(ids);
            java.util.Collections.reverse(newestFirst);
            assertThat(all).containsExactlyElementsOf(newestFirst);
            List<String> previous = new java.util.ArrayList<>();
            own.vectorStores().list(com.openai.models.vectorstores.VectorStoreListParams.builder().limit(2)
                    .before(ids.get(2)).build()).data().forEach(v -> previous.add(v.id()));
            assertThat(previous).containsExactly(ids.get(4), ids.get(3));
        } finally {
            own.close();
        }
    }

    private static List<String> storeIds(JsonNode page) {
        List<String> out = new java.util.ArrayList<>();
        page.get("data").forEach(d -> out.add(d.get("id").asText()));
        return out;
    }

    @Test
    void aFileBatchAddsFollowsListsAndCancelsFilesTogether() {
        String t = hub.createTenant(slug("kn-batch"));
        String k = hub.createKey(t, "admin").get("key").asText();
        // The official client, checking every answer against its own models.
        OpenAIClient strict = OpenAIOkHttpClient.builder().baseUrl(hub.url("/v1")).apiKey(k).maxRetries(0)
                .responseValidation(true).build();
        try {
            List<String> ids = new java.util.ArrayList<>();
            for (String name : List.of("frete.txt", "trocas.txt")) {
                ids.add(strict.files().create(FileCreateParams.builder().purpose(FilePurpose.ASSISTANTS)
                        .file(MultipartField.<java.io.InputStream>builder().value(new java.io.ByteArrayInputStream(
                                ("Política de " + name + ": prazo de sete dias.").getBytes(
                                        java.nio.charset.StandardCharsets.UTF_8))).filename(name).build()).build())
                        .id());
            }
            String store = strict.vectorStores().create(VectorStoreCreateParams.builder().name("lote").build()).id();
            VectorStoreFileBatch batch = strict.vectorStores().fileBatches().create(store,
                    FileBatchCreateParams.builder().fileIds(ids).build());
            assertThat(batch.id()).startsWith("vsfb_");
            assertThat(batch.vectorStoreId()).isEqualTo(store);
            assertThat(batch.fileCounts().total()).isEqualTo(2);
            VectorStoreFileBatch done = await().atMost(Duration.ofSeconds(90)).until(() -> strict.vectorStores()
                    .fileBatches().retrieve(batch.id(), FileBatchRetrieveParams.builder().vectorStoreId(store).build()),
                    b -> b.status().equals(VectorStoreFileBatch.Status.COMPLETED));
            assertThat(done.fileCounts().completed()).isEqualTo(2);
            List<String> listed = new java.util.ArrayList<>();
            strict.vectorStores().fileBatches().listFiles(batch.id(), FileBatchListFilesParams.builder()
                    .vectorStoreId(store).limit(1).build()).autoPager().forEach(f -> listed.add(f.id()));
            assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);

            // A store whose provider's embeddings cannot be reached: its files wait for a retry, and the batch's
            // cancellation takes them out of the queue.
            TestHub.check(hub.send(k, "PUT", "/v1/model-providers/openai", Map.of("settings", Map.of("base_url",
                    "http://127.0.0.1:9/v1", "api_key", "sk-unreachable"))), 200);
            String waiting = TestHub.check(hub.post(k, "/v1/vector_stores", Map.of("name", "espera", "embedding",
                    Map.of("provider", "openai", "model", "text-embedding-3-small"))), 200).json().get("id").asText();
            VectorStoreFileBatch stuck = strict.vectorStores().fileBatches().create(waiting,
                    FileBatchCreateParams.builder().fileIds(ids).build());
            assertThat(stuck.status()).isEqualTo(VectorStoreFileBatch.Status.IN_PROGRESS);
            VectorStoreFileBatch cancelled = strict.vectorStores().fileBatches().cancel(stuck.id(),
                    FileBatchCancelParams.builder().vectorStoreId(waiting).build());
            assertThat(cancelled.status()).isEqualTo(VectorStoreFileBatch.Status.CANCELLED);
            assertThat(cancelled.fileCounts().cancelled()).isEqualTo(2);
            assertThat(cancelled.fileCounts().inProgress()).isZero();
            // Another tenant's store and batch ids lead nowhere.
            assertThat(hub.get(key, "/v1/vector_stores/" + store + "/file_batches/" + batch.id()).status())
                    .isEqualTo(404);
            assertThat(hub.post(k, "/v1/vector_stores/" + store + "/file_batches", Map.of("file_ids",
                    List.of("file_nope"))).status()).isEqualTo(422);
            assertThat(hub.post(k, "/v1/vector_stores/" + store + "/file_batches", Map.of()).status()).isEqualTo(422);
        } finally {
            strict.close();
        }
    }

    @Test
    void thePeriodicComparisonRepairsWhatAnAnnouncementWouldHaveTold() {
        String t = hub.createTenant(slug("kn-repair"));
        String k = hub.createKey(t, "admin").get("key").asText();
        List<String> ids = new java.util.ArrayList<>();
        for (String text : List.of("Garantia estendida de dois anos.", "Assistência técnica em Curitiba.")) {
            ids.add(TestHub.check(hub.upload(k, "/v1/files", "assistants", "doc" + ids.size() + ".txt",
                    text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 200).json().get("id").asText());
        }
        String store = TestHub.check(hub.post(k, "/v1/vector_stores", Map.of("file_ids", ids)), 200).json()
                .get("id").asText();
        await().atMost(Duration.ofSeconds(90)).until(() -> hub.get(k, "/v1/vector_stores/" + store).json()
                .path("file_counts").path("completed").asInt() == 2);
        var feed = hub.app().knowledgeIndexFeed();
        var index = hub.app().plugins().knowledgeIndexes().values().iterator().next().index();
        var garantia = new io.channelhub.plugin.knowledge.IndexQuery(t, List.of(store), "garantia estendida", null,
                "local/all-minilm-l6-v2", 5, null, io.channelhub.plugin.knowledge.IndexQuery.Mode.KEYWORD);
        var assistencia = new io.channelhub.plugin.knowledge.IndexQuery(t, List.of(store), "assistência Curitiba",
                null, "local/all-minilm-l6-v2", 5, null, io.channelhub.plugin.knowledge.IndexQuery.Mode.KEYWORD);
        // Other tests' files may be finishing on this hub: only this tenant's two are counted on below.
        feed.reconcile();
        // As another replica would leave things without telling this one: the first file taken out of the store
        // there, the second re-ingested there (a new generation this index has not seen).
        hub.app().jdbi().useHandle(h -> {
            h.createUpdate("DELETE FROM knowledge_chunks WHERE tenant_id = :t AND file_id = :f").bind("t", t)
                    .bind("f", ids.get(0)).execute();
            h.createUpdate("DELETE FROM vector_store_files WHERE tenant_id = :t AND file_id = :f").bind("t", t)
                    .bind("f", ids.get(0)).execute();
            h.createUpdate("UPDATE vector_store_files SET generation = generation + 1 WHERE tenant_id = :t AND file_id "
                    + "= :f").bind("t", t).bind("f", ids.get(1)).execute();
        });
        assertThat(index.search(garantia)).isNotEmpty();
        assertThat(feed.reconcile()).isGreaterThanOrEqualTo(2);
        assertThat(index.search(garantia)).isEmpty();
        assertThat(index.search(assistencia)).isNotEmpty();
        String scrape = TestHub.check(hub.send(null, "GET", hub.adminUrl("/prometheus"), null), 200).body();
        assertThat(metric(scrape, "channelhub_knowledge_index_repairs_total")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anUploadCutOffMidwayIsTheClientsErrorAndStoresNothing() throws Exception {
        String t = hub.createTenant(slug("kn-cut"));
        String k = hub.createKey(t, "admin").get("key").asText();
        java.net.URI base = java.net.URI.create(hub.url("/v1/files"));
        String boundary = "cut" + System.nanoTime();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + "a line of the price list\n".repeat(2000);
        byte[] sent = head.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            var out = socket.getOutputStream();
            // The body announced is longer than what is sent before the client stops sending.
            out.write(("POST " + base.getPath() + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAuthorization: Bearer " + k + "\r\nContent-Type: multipart/form-data; boundary="
                    + boundary + "\r\nContent-Length: " + (sent.length + 100_000) + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(sent);
            out.flush();
            socket.shutdownOutput();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("request_incomplete");
        }
        assertThat(TestHub.check(hub.get(k, "/v1/files"), 200).json().get("data")).isEmpty();
    }
}
