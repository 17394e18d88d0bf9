package io.channelhub.hub.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.GrantRepository;
import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.knowledge.Knowledge;
import io.channelhub.hub.knowledge.KnowledgeSearch;
import io.channelhub.hub.knowledge.StoreFile;
import io.channelhub.hub.knowledge.VectorStore;
import io.channelhub.hub.knowledge.VectorStores;
import io.channelhub.hub.web.TenantScope;
import io.channelhub.plugin.knowledge.AttributeFilter;
import io.channelhub.plugin.knowledge.IndexQuery;
import io.dropwizard.auth.Auth;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Vector stores, the files in them and search, with OpenAI's Vector Stores API shapes (so the official SDKs'
 * {@code vectorStores} calls work), under the resource ACL as {@code vector_store} resources. The hub's own additions
 * are extra fields an OpenAI client ignores: a store's {@code embedding} model, a search's {@code mode}
 * ({@code hybrid}, {@code keyword}, {@code vector}) and each hit's {@code chunk_index}.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class VectorStoresResource {

    private static final Set<String> FILE_STATUSES = Set.of(StoreFile.IN_PROGRESS, StoreFile.COMPLETED,
            StoreFile.FAILED, StoreFile.CANCELLED);

    private final Knowledge knowledge;
    private final GrantRepository grants;
    private final AccessControl access;
    private final AuditLog audit;
    private final Clock clock;

    public VectorStoresResource(Knowledge knowledge, GrantRepository grants, AccessControl access, AuditLog audit,
                                Clock clock) {
        this.knowledge = knowledge;
        this.grants = grants;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    static ResourceDirectory.ResourceRef ref(VectorStore s) {
        return new ResourceDirectory.ResourceRef(ResourceType.VECTOR_STORE, s.id(), s.ownerPrincipalId());
    }

    private VectorStore load(Caller c, String tenantId, String id, ResourcePermission need) {
        VectorStore s = knowledge.stores().get(tenantId, id);
        access.require(c, tenantId, ref(s), need);
        return s;
    }

    private Map<String, Object> view(VectorStore s) {
        var stores = knowledge.stores();
        return KnowledgeWire.store(s, stores.counts(s.tenantId(), s.id()), stores.usageBytes(s.tenantId(), s.id()),
                clock.instant());
    }

    @GET
    public Map<String, Object> list(@Auth Caller c, @Context TenantScope scope, @QueryParam("limit") Integer limit,
                                    @QueryParam("after") String after, @QueryParam("before") String before,
                                    @QueryParam("order") String order) {
        String tenantId = scope.tenantId();
        return KnowledgeWire.page(after, before, order, KnowledgeWire.limit(limit),
                (cursor, n, asc) -> knowledge.stores().list(tenantId, cursor, n, asc),
                rows -> access.readable(c, tenantId, rows, VectorStoresResource::ref, s -> s), VectorStore::id,
                this::view);
    }

    @POST
    public Map<String, Object> create(@Auth Caller c, @Context TenantScope scope, JsonNode body) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.RESOURCES_CREATE);
        JsonNode b = body == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : body;
        String name = text(b, "name", 255);
        String description = text(b, "description", 1000);
        JsonNode embedding = b.path("embedding");
        String provider = embedding.isObject() ? text(embedding, "provider", 100) : null;
        String model = embedding.isObject() ? text(embedding, "model", 200) : null;
        List<String> fileIds = strings(b.path("file_ids"), "file_ids");
        VectorStore s = knowledge.createStore(tenantId, c.principalId(), name, description,
                KnowledgeWire.metadata(b.get("metadata")), provider, model, expiresAfter(b.get("expires_after")),
                fileIds, KnowledgeWire.chunking(b.get("chunking_strategy")));
        audit.success(c, tenantId, "vector_store.create", ResourceType.VECTOR_STORE.wire(), s.id(),
                Map.of("files", fileIds.size(), "embedding", s.embeddingKey()));
        return view(s);
    }

    @GET
    @Path("/{storeId}")
    public Map<String, Object> get(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id) {
        return view(load(c, scope.tenantId(), id, ResourcePermission.READ));
    }

    /** OpenAI updates with POST; PATCH is the hub's own verb for the same. */
    @POST
    @Path("/{storeId}")
    public Map<String, Object> update(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                      @NotNull JsonNode body) {
        String tenantId = scope.tenantId();
        VectorStore s = load(c, tenantId, id, ResourcePermission.UPDATE);
        Integer days = null;
        if (body.has("expires_after")) {
            days = body.get("expires_after").isNull() ? Integer.valueOf(0) : expiresAfter(body.get("expires_after"));
        }
        VectorStore updated = knowledge.stores().update(s, body.has("name") ? text(body, "name", 255) : null,
                body.has("metadata") ? (body.get("metadata").isNull() ? Map.of()
                        : KnowledgeWire.metadata(body.get("metadata"))) : null, days);
        audit.success(c, tenantId, "vector_store.update", ResourceType.VECTOR_STORE.wire(), id, Map.of());
        return view(updated);
    }

    @PATCH
    @Path("/{storeId}")
    public Map<String, Object> patch(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                     @NotNull JsonNode body) {
        return update(c, scope, id, body);
    }

    @DELETE
    @Path("/{storeId}")
    public Map<String, Object> delete(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id) {
        String tenantId = scope.tenantId();
        VectorStore s = load(c, tenantId, id, ResourcePermission.DELETE);
        knowledge.deleteStore(s);
        grants.deleteForResource(tenantId, ResourceType.VECTOR_STORE, id);
        audit.success(c, tenantId, "vector_store.delete", ResourceType.VECTOR_STORE.wire(), id, Map.of());
        return KnowledgeWire.deleted(id, "vector_store.deleted");
    }

    @POST
    @Path("/{storeId}/search")
    public Map<String, Object> search(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                      @NotNull JsonNode body) {
        VectorStore s = load(c, scope.tenantId(), id, ResourcePermission.READ);
        JsonNode q = body.path("query");
        List<String> queries = new ArrayList<>();
        if (q.isTextual()) {
            queries.add(q.asText());
        } else if (q.isArray() && !q.isEmpty() && q.size() <= 10) {
            q.forEach(x -> {
                if (!x.isTextual()) {
                    throw KnowledgeWire.invalid("query", "a string or an array of up to 10 strings");
                }
                queries.add(x.asText());
            });
        } else {
            throw KnowledgeWire.invalid("query", "a string or an array of up to 10 strings");
        }
        if (queries.stream().anyMatch(x -> x.isBlank() || x.length() > 4000)) {
            throw KnowledgeWire.invalid("query", "1 to 4000 characters");
        }
        int max = body.has("max_num_results") ? body.get("max_num_results").asInt(-1) : 10;
        if (max < 1 || max > 50) {
            throw KnowledgeWire.invalid("max_num_results", "between 1 and 50");
        }
        double threshold = body.path("ranking_options").path("score_threshold").asDouble(0.0);
        if (threshold < 0 || threshold > 1) {
            throw KnowledgeWire.invalid("ranking_options.score_threshold", "between 0 and 1");
        }
        IndexQuery.Mode mode;
        try {
            mode = IndexQuery.Mode.valueOf(body.path("mode").asText("hybrid").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw KnowledgeWire.invalid("mode", "hybrid, keyword or vector");
        }
        AttributeFilter filter = KnowledgeWire.filter(body.get("filters"), "filters", 0);
        // Several queries are searched together: the best passages of any, each passage once.
        Map<String, KnowledgeSearch.Hit> merged = new LinkedHashMap<>();
        for (String query : queries) {
            for (KnowledgeSearch.Hit h : knowledge.search(s, query, max, filter, mode, threshold)) {
                merged.merge(h.fileId() + "/" + h.chunkIndex(), h, (a, x) -> a.score() >= x.score() ? a : x);
            }
        }
        List<KnowledgeSearch.Hit> hits = merged.values().stream()
                .sorted((a, x) -> Double.compare(x.score(), a.score())).limit(max).toList();
        return KnowledgeWire.searchPage(queries, hits);
    }

    // ---- files in a store

    private StoreFile loadFile(String tenantId, VectorStore s, String fileId) {
        return knowledge.stores().file(tenantId, s.id(), fileId).orElseThrow(() -> Failure.notFound(
                "vector store file"));
    }

    @GET
    @Path("/{storeId}/files")
    public Map<String, Object> files(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                     @QueryParam("limit") Integer limit, @QueryParam("after") String after,
                                     @QueryParam("before") String before, @QueryParam("order") String order,
                                     @QueryParam("filter") String status) {
        VectorStore s = load(c, scope.tenantId(), id, ResourcePermission.READ);
        checkStatus(status);
        return KnowledgeWire.page(after, before, order, KnowledgeWire.limit(limit),
                (cursor, n, asc) -> knowledge.stores().files(s.tenantId(), s.id(), status, cursor, n, asc),
                rows -> rows, StoreFile::fileId, KnowledgeWire::storeFile);
    }

    @POST
    @Path("/{storeId}/files")
    public Map<String, Object> addFile(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                       @NotNull JsonNode body) {
        String tenantId = scope.tenantId();
        VectorStore s = load(c, tenantId, id, ResourcePermission.UPDATE);
        String fileId = text(body, "file_id", 100);
        if (fileId == null) {
            throw KnowledgeWire.invalid("file_id", "required");
        }
        StoreFile f = knowledge.attach(s, fileId, KnowledgeWire.attributes(body.get("attributes"), "attributes"),
                KnowledgeWire.chunking(body.get("chunking_strategy")));
        audit.success(c, tenantId, "vector_store.file.add", ResourceType.VECTOR_STORE.wire(), id,
                Map.of("file_id", fileId));
        return KnowledgeWire.storeFile(f);
    }

    @GET
    @Path("/{storeId}/files/{fileId}")
    public Map<String, Object> file(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                    @PathParam("fileId") String fileId) {
        VectorStore s = load(c, scope.tenantId(), id, ResourcePermission.READ);
        return KnowledgeWire.storeFile(loadFile(scope.tenantId(), s, fileId));
    }

    @POST
    @Path("/{storeId}/files/{fileId}")
    public Map<String, Object> updateFile(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                          @PathParam("fileId") String fileId, @NotNull JsonNode body) {
        String tenantId = scope.tenantId();
        VectorStore s = load(c, tenantId, id, ResourcePermission.UPDATE);
        StoreFile f = loadFile(tenantId, s, fileId);
        StoreFile updated = knowledge.updateAttributes(f, KnowledgeWire.attributes(body.get("attributes"),
                "attributes"));
        audit.success(c, tenantId, "vector_store.file.update", ResourceType.VECTOR_STORE.wire(), id,
                Map.of("file_id", fileId));
        return KnowledgeWire.storeFile(updated);
    }

    @DELETE
    @Path("/{storeId}/files/{fileId}")
    public Map<String, Object> removeFile(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                          @PathParam("fileId") String fileId) {
        String tenantId = scope.tenantId();
        VectorStore s = load(c, tenantId, id, ResourcePermission.UPDATE);
        knowledge.detach(loadFile(tenantId, s, fileId));
        audit.success(c, tenantId, "vector_store.file.remove", ResourceType.VECTOR_STORE.wire(), id,
                Map.of("file_id", fileId));
        return KnowledgeWire.deleted(fileId, "vector_store.file.deleted");
    }

    @GET
    @Path("/{storeId}/files/{fileId}/content")
    public Map<String, Object> fileContent(@Auth Caller c, @Context TenantScope scope,
                                           @PathParam("storeId") String id, @PathParam("fileId") String fileId) {
        VectorStore s = load(c, scope.tenantId(), id, ResourcePermission.READ);
        StoreFile f = loadFile(scope.tenantId(), s, fileId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", "vector_store.file_content.page");
        out.put("data", knowledge.chunkTexts(f).stream().map(t -> Map.of("type", "text", "text", t)).toList());
        out.put("has_more", false);
        out.put("next_page", null);
        return out;
    }

    // ---- file batches

    @POST
    @Path("/{storeId}/file_batches")
    public Map<String, Object> createBatch(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                           @NotNull JsonNode body) {
        String tenantId = scope.tenantId();
        VectorStore s = load(c, tenantId, id, ResourcePermission.UPDATE);
        boolean hasIds = body.hasNonNull("file_ids");
        boolean hasFiles = body.hasNonNull("files");
        if (hasIds == hasFiles) {
            throw KnowledgeWire.invalid("file_ids", "either file_ids or files, one of them");
        }
        List<Knowledge.BatchFile> batch = new ArrayList<>();
        if (hasIds) {
            // One set of attributes and one chunking for all of them.
            Map<String, Object> attributes = KnowledgeWire.attributes(body.get("attributes"), "attributes");
            int[] chunking = KnowledgeWire.chunking(body.get("chunking_strategy"));
            for (String fileId : strings(body.get("file_ids"), "file_ids")) {
                batch.add(new Knowledge.BatchFile(fileId, attributes, chunking));
            }
        } else {
            JsonNode files = body.get("files");
            if (!files.isArray() || files.size() > 500) {
                throw KnowledgeWire.invalid("files", "an array of at most 500 files");
            }
            for (JsonNode f : files) {
                String fileId = f.isObject() ? text(f, "file_id", 100) : null;
                if (fileId == null || fileId.isBlank()) {
                    throw KnowledgeWire.invalid("files", "each has a file_id");
                }
                batch.add(new Knowledge.BatchFile(fileId, KnowledgeWire.attributes(f.get("attributes"),
                        "files.attributes"), KnowledgeWire.chunking(f.get("chunking_strategy"))));
            }
        }
        VectorStores.FileBatch b = knowledge.createBatch(s, batch);
        audit.success(c, tenantId, "vector_store.file_batch.create", ResourceType.VECTOR_STORE.wire(), id,
                Map.of("batch_id", b.id(), "files", batch.size()));
        return KnowledgeWire.fileBatch(b, knowledge.stores().counts(b));
    }

    @GET
    @Path("/{storeId}/file_batches/{batchId}")
    public Map<String, Object> batch(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                     @PathParam("batchId") String batchId) {
        VectorStores.FileBatch b = loadBatch(load(c, scope.tenantId(), id, ResourcePermission.READ), batchId);
        return KnowledgeWire.fileBatch(b, knowledge.stores().counts(b));
    }

    @POST
    @Path("/{storeId}/file_batches/{batchId}/cancel")
    public Map<String, Object> cancelBatch(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                           @PathParam("batchId") String batchId) {
        String tenantId = scope.tenantId();
        VectorStores.FileBatch b = loadBatch(load(c, tenantId, id, ResourcePermission.UPDATE), batchId);
        knowledge.cancelBatch(b);
        audit.success(c, tenantId, "vector_store.file_batch.cancel", ResourceType.VECTOR_STORE.wire(), id,
                Map.of("batch_id", b.id()));
        VectorStores.FileBatch now = loadBatch(knowledge.stores().get(tenantId, id), batchId);
        return KnowledgeWire.fileBatch(now, knowledge.stores().counts(now));
    }

    @GET
    @Path("/{storeId}/file_batches/{batchId}/files")
    public Map<String, Object> batchFiles(@Auth Caller c, @Context TenantScope scope, @PathParam("storeId") String id,
                                          @PathParam("batchId") String batchId, @QueryParam("limit") Integer limit,
                                          @QueryParam("after") String after, @QueryParam("before") String before,
                                          @QueryParam("order") String order, @QueryParam("filter") String status) {
        VectorStores.FileBatch b = loadBatch(load(c, scope.tenantId(), id, ResourcePermission.READ), batchId);
        checkStatus(status);
        return KnowledgeWire.page(after, before, order, KnowledgeWire.limit(limit),
                (cursor, n, asc) -> knowledge.stores().files(b, status, cursor, n, asc), rows -> rows,
                StoreFile::fileId, KnowledgeWire::storeFile);
    }

    private static void checkStatus(String status) {
        if (status != null && !FILE_STATUSES.contains(status)) {
            throw KnowledgeWire.invalid("filter", "one of " + FILE_STATUSES);
        }
    }

    private VectorStores.FileBatch loadBatch(VectorStore s, String batchId) {
        return knowledge.stores().batch(s.tenantId(), s.id(), batchId)
                .orElseThrow(() -> Failure.notFound("vector store file batch"));
    }

    // ---- request parsing

    private static String text(JsonNode n, String field, int max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().length() > max) {
            throw KnowledgeWire.invalid(field, "a string of at most " + max + " characters");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode n, String field) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return List.of();
        }
        if (!n.isArray() || n.size() > 500) {
            throw KnowledgeWire.invalid(field, "an array of at most 500 ids");
        }
        List<String> out = new ArrayList<>();
        n.forEach(x -> {
            if (!x.isTextual() || x.asText().isBlank() || x.asText().length() > 100) {
                throw KnowledgeWire.invalid(field, "ids are non-empty strings");
            }
            out.add(x.asText());
        });
        return out;
    }

    /** {@code {"anchor":"last_active_at","days":N}} → N (1 to 365); null when absent. */
    private static Integer expiresAfter(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        int days = n.path("days").asInt(-1);
        if (!"last_active_at".equals(n.path("anchor").asText()) || days < 1 || days > 365) {
            throw KnowledgeWire.invalid("expires_after", "{\"anchor\":\"last_active_at\",\"days\":1..365}");
        }
        return days;
    }
}
