package io.channelhub.hub.knowledge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Vector stores, the files in them with their ingestion state, and their chunks: the database side. */
public class VectorStores {

    private final Jdbi jdbi;
    private final ObjectMapper stored;
    private final Clock clock;
    private final RowMapper<VectorStore> storeMapper;
    private final RowMapper<StoreFile> fileMapper;

    /** Counts of a store's files by status. */
    public record FileCounts(long inProgress, long completed, long failed, long cancelled) {
        public long total() {
            return inProgress + completed + failed + cancelled;
        }
    }

    /** A chunk as stored: text and vector. */
    public record StoredChunk(String vectorStoreId, String fileId, int chunkNo, String text, String heading,
                              int tokens, float[] vector) {

        /** What the index matches and the model embedded: the heading above the passage, then the passage. */
        public String indexed() {
            return heading == null || heading.isEmpty() ? text : heading + "\n\n" + text;
        }
    }

    public VectorStores(Jdbi jdbi, ObjectMapper stored, Clock clock) {
        this.jdbi = jdbi;
        this.stored = stored;
        this.clock = clock;
        this.storeMapper = (rs, ctx) -> {
            var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            int days = rs.getInt("expires_after_days");
            return new VectorStore(rs.getString("id"), rs.getString("tenant_id"), rs.getString("name"),
                    rs.getString("description"), readMap(rs.getString("metadata"), new TypeReference<>() { }),
                    rs.getString("embedding_provider"), rs.getString("embedding_model"),
                    rs.getString("owner_principal_id"), rs.wasNull() ? null : days,
                    instants.map(rs, "created_at", ctx), instants.map(rs, "last_active_at", ctx),
                    instants.map(rs, "expires_at", ctx));
        };
        this.fileMapper = (rs, ctx) -> {
            var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            return new StoreFile(rs.getLong("id"), rs.getString("tenant_id"), rs.getString("vector_store_id"),
                    rs.getString("file_id"), rs.getString("status"), rs.getString("last_error_code"),
                    rs.getString("last_error_message"), readMap(rs.getString("attributes"), new TypeReference<>() { }),
                    rs.getInt("chunk_max_tokens"), rs.getInt("chunk_overlap_tokens"), rs.getBoolean("chunking_auto"),
                    rs.getInt("chunk_count"), rs.getLong("usage_bytes"), rs.getInt("generation"),
                    rs.getInt("attempts"), instants.map(rs, "created_at", ctx), instants.map(rs, "updated_at", ctx));
        };
    }

    private <T> Map<String, T> readMap(String s, TypeReference<LinkedHashMap<String, T>> type) {
        if (s == null || s.isEmpty()) {
            return Map.of();
        }
        try {
            return stored.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    private String write(Map<String, ?> m) {
        if (m == null || m.isEmpty()) {
            return null;
        }
        try {
            return stored.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- stores

    public VectorStore create(String tenantId, String principalId, String name, String description,
                              Map<String, String> metadata, String provider, String model, Integer expiresAfterDays) {
        Instant now = clock.instant();
        VectorStore s = new VectorStore(Ids.newId("vs"), tenantId, name, description,
                metadata == null ? Map.of() : Map.copyOf(metadata), provider, model, principalId, expiresAfterDays,
                now, now, expiresAfterDays == null ? null : now.plus(Duration.ofDays(expiresAfterDays)));
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO vector_stores (id, tenant_id, name, description, metadata, "
                        + "embedding_provider, embedding_model, owner_principal_id, expires_after_days, created_at, "
                        + "last_active_at, expires_at) VALUES (:id, :t, :n, :d, :m, :p, :model, :o, :days, :at, :at, :exp)")
                .bind("id", s.id()).bind("t", tenantId).bind("n", name).bind("d", description)
                .bind("m", write(s.metadata())).bind("p", provider).bind("model", model).bind("o", principalId)
                .bind("days", expiresAfterDays).bind("at", now).bind("exp", s.expiresAt()).execute());
        return s;
    }

    public Optional<VectorStore> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM vector_stores WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).map(storeMapper).findOne());
    }

    public VectorStore get(String tenantId, String id) {
        return find(tenantId, id).orElseThrow(() -> Failure.notFound("vector store"));
    }

    public List<VectorStore> find(String tenantId, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM vector_stores WHERE tenant_id = :t AND id IN (<ids>)")
                .bind("t", tenantId).bindList("ids", ids).map(storeMapper).list());
    }

    /** A page of stores (one more than {@code limit}), keyset on (created_at, id). */
    public List<VectorStore> list(String tenantId, String after, int limit, boolean asc) {
        VectorStore cursor = after == null ? null : find(tenantId, after).orElse(null);
        if (after != null && cursor == null) {
            return List.of();
        }
        String cmp = asc ? ">" : "<";
        String dir = asc ? "ASC" : "DESC";
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT * FROM vector_stores WHERE tenant_id = :t"
                    + (cursor == null ? "" : " AND (created_at " + cmp + " :ca OR (created_at = :ca AND id " + cmp
                    + " :cid))") + " ORDER BY created_at " + dir + ", id " + dir + " LIMIT :n")
                    .bind("t", tenantId).bind("n", limit + 1);
            if (cursor != null) {
                q.bind("ca", cursor.createdAt()).bind("cid", cursor.id());
            }
            return q.map(storeMapper).list();
        });
    }

    /** Applies the non-null changes; {@code expiresAfterDays} 0 clears the expiry. */
    public VectorStore update(VectorStore s, String name, Map<String, String> metadata, Integer expiresAfterDays) {
        Instant now = clock.instant();
        Integer days = expiresAfterDays == null ? s.expiresAfterDays() : expiresAfterDays == 0 ? null
                : expiresAfterDays;
        Instant expires = days == null ? null : now.plus(Duration.ofDays(days));
        jdbi.useHandle(h -> h.createUpdate("UPDATE vector_stores SET name = :n, metadata = :m, expires_after_days = :d, "
                        + "expires_at = :exp, last_active_at = :now WHERE tenant_id = :t AND id = :id")
                .bind("n", name == null ? s.name() : name).bind("m", write(metadata == null ? s.metadata() : metadata))
                .bind("d", days).bind("exp", expires).bind("now", now).bind("t", s.tenantId()).bind("id", s.id())
                .execute());
        return get(s.tenantId(), s.id());
    }

    /**
     * A store was searched: its expiry counts from now. At most once a minute per store: a busy store's searches
     * must not each write its row (they would queue on its lock), and an expiry counted in days loses nothing.
     */
    public void touch(VectorStore s) {
        Instant now = clock.instant();
        if (s.lastActiveAt() != null && s.lastActiveAt().isAfter(now.minusSeconds(60))) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE vector_stores SET last_active_at = :now, expires_at = CASE WHEN "
                        + "expires_after_days IS NULL THEN NULL ELSE :exp END WHERE tenant_id = :t AND id = :id")
                .bind("now", now).bind("exp", s.expiresAfterDays() == null ? null
                        : now.plus(Duration.ofDays(s.expiresAfterDays())))
                .bind("t", s.tenantId()).bind("id", s.id()).execute());
    }

    /**
     * Deletes the store, its file links and chunks (the files themselves stay). Ingestion may be writing the same
     * rows: when the database picks this transaction as a deadlock's victim it is run again, as {@link #detach} is.
     */
    public boolean delete(VectorStore s) {
        return io.channelhub.hub.persistence.Deadlocks.retry(() -> jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM knowledge_chunks WHERE tenant_id = :t AND vector_store_id = :s")
                    .bind("t", s.tenantId()).bind("s", s.id()).execute();
            h.createUpdate("DELETE FROM vector_store_files WHERE tenant_id = :t AND vector_store_id = :s")
                    .bind("t", s.tenantId()).bind("s", s.id()).execute();
            h.createUpdate("DELETE FROM vector_store_file_batch_files WHERE tenant_id = :t AND batch_id IN (SELECT id "
                    + "FROM vector_store_file_batches WHERE tenant_id = :t AND vector_store_id = :s)")
                    .bind("t", s.tenantId()).bind("s", s.id()).execute();
            h.createUpdate("DELETE FROM vector_store_file_batches WHERE tenant_id = :t AND vector_store_id = :s")
                    .bind("t", s.tenantId()).bind("s", s.id()).execute();
            return h.createUpdate("DELETE FROM vector_stores WHERE tenant_id = :t AND id = :s")
                    .bind("t", s.tenantId()).bind("s", s.id()).execute() == 1;
        }));
    }

    public FileCounts counts(String tenantId, String storeId) {
        return jdbi.withHandle(h -> counts(h.createQuery("SELECT status, COUNT(*) FROM vector_store_files WHERE "
                + "tenant_id = :t AND vector_store_id = :s GROUP BY status").bind("t", tenantId).bind("s", storeId)));
    }

    /** Counts by status from a query answering (status, count) rows. */
    private static FileCounts counts(org.jdbi.v3.core.statement.Query byStatus) {
        Map<String, Long> by = new LinkedHashMap<>();
        byStatus.map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> by.put(e.getKey(), e.getValue()));
        return new FileCounts(by.getOrDefault(StoreFile.IN_PROGRESS, 0L), by.getOrDefault(StoreFile.COMPLETED, 0L),
                by.getOrDefault(StoreFile.FAILED, 0L), by.getOrDefault(StoreFile.CANCELLED, 0L));
    }

    public long usageBytes(String tenantId, String storeId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(usage_bytes), 0) FROM vector_store_files WHERE "
                + "tenant_id = :t AND vector_store_id = :s").bind("t", tenantId).bind("s", storeId)
                .mapTo(Long.class).one());
    }

    // ---- files in stores

    /**
     * Adds a file to a store, queued for ingestion; adding it again returns the existing entry unchanged (as a
     * retried request would want).
     */
    public StoreFile attach(VectorStore s, String fileId, Map<String, Object> attributes, int maxTokens,
                            int overlapTokens, boolean auto) {
        Optional<StoreFile> existing = file(s.tenantId(), s.id(), fileId);
        if (existing.isPresent()) {
            return existing.get();
        }
        Instant now = clock.instant();
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO vector_store_files (tenant_id, vector_store_id, file_id, "
                            + "status, attributes, chunk_max_tokens, chunk_overlap_tokens, chunking_auto, created_at, "
                            + "updated_at) VALUES (:t, :s, :f, :st, :a, :max, :ov, :auto, :now, :now)")
                    .bind("t", s.tenantId()).bind("s", s.id()).bind("f", fileId).bind("st", StoreFile.IN_PROGRESS)
                    .bind("a", write(attributes)).bind("max", maxTokens).bind("ov", overlapTokens).bind("auto", auto)
                    .bind("now", now).execute());
        } catch (RuntimeException e) {
            if (!io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                throw e;
            }
        }
        return file(s.tenantId(), s.id(), fileId).orElseThrow();
    }

    public Optional<StoreFile> file(String tenantId, String storeId, String fileId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM vector_store_files WHERE tenant_id = :t AND "
                        + "vector_store_id = :s AND file_id = :f").bind("t", tenantId).bind("s", storeId).bind("f", fileId)
                .map(fileMapper).findOne());
    }

    Optional<StoreFile> fileByRow(long rowId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM vector_store_files WHERE id = :id").bind("id", rowId)
                .map(fileMapper).findOne());
    }

    /** A page of a store's files (one more than {@code limit}), optionally of one status, keyset on the row id. */
    public List<StoreFile> files(String tenantId, String storeId, String status, String after, int limit,
                                 boolean asc) {
        Long cursor = after == null ? null : file(tenantId, storeId, after).map(StoreFile::rowId).orElse(null);
        if (after != null && cursor == null) {
            return List.of();
        }
        String cmp = asc ? ">" : "<";
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT * FROM vector_store_files WHERE tenant_id = :t AND vector_store_id = :s"
                    + (status == null ? "" : " AND status = :st") + (cursor == null ? "" : " AND id " + cmp + " :c")
                    + " ORDER BY id " + (asc ? "ASC" : "DESC") + " LIMIT :n")
                    .bind("t", tenantId).bind("s", storeId).bind("n", limit + 1);
            if (status != null) {
                q.bind("st", status);
            }
            if (cursor != null) {
                q.bind("c", cursor);
            }
            return q.map(fileMapper).list();
        });
    }

    /** The stores a file is in. */
    public List<StoreFile> storesOf(String tenantId, String fileId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM vector_store_files WHERE tenant_id = :t AND "
                + "file_id = :f").bind("t", tenantId).bind("f", fileId).map(fileMapper).list());
    }

    public StoreFile updateAttributes(StoreFile f, Map<String, Object> attributes) {
        // A new generation: every replica's index takes the attributes its filters match on.
        jdbi.useHandle(h -> h.createUpdate("UPDATE vector_store_files SET attributes = :a, updated_at = :now, "
                        + "generation = generation + 1 WHERE id = :id").bind("a", write(attributes)).bind("now", clock.instant()).bind("id", f.rowId())
                .execute());
        return fileByRow(f.rowId()).orElseThrow(() -> Failure.notFound("vector store file"));
    }

    /**
     * Removes a file from a store with its chunks. Ingestion may be writing the same rows: when the database picks
     * this transaction as a deadlock's victim it is run again.
     */
    public boolean detach(StoreFile f) {
        return io.channelhub.hub.persistence.Deadlocks.retry(() -> jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM knowledge_chunks WHERE tenant_id = :t AND vector_store_id = :s AND file_id = :f")
                    .bind("t", f.tenantId()).bind("s", f.vectorStoreId()).bind("f", f.fileId()).execute();
            return h.createUpdate("DELETE FROM vector_store_files WHERE id = :id").bind("id", f.rowId()).execute() == 1;
        }));
    }

    /** Removes a file from every store it is in; returns the links removed. */
    public List<StoreFile> forgetFile(String tenantId, String fileId) {
        List<StoreFile> links = storesOf(tenantId, fileId);
        links.forEach(this::detach);
        return links;
    }

    // ---- file batches

    /** Files added to a store together (OpenAI's file batch); their status is the store's entries'. */
    public record FileBatch(String id, String tenantId, String vectorStoreId, boolean cancelled, Instant createdAt) {
    }

    private static final RowMapper<FileBatch> BATCH = (rs, ctx) -> new FileBatch(rs.getString("id"),
            rs.getString("tenant_id"), rs.getString("vector_store_id"), rs.getBoolean("cancelled"),
            ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, "created_at", ctx));

    /** Records a batch of files already added to the store. */
    public FileBatch createBatch(VectorStore s, java.util.Collection<String> fileIds) {
        FileBatch b = new FileBatch(io.channelhub.hub.persistence.Ids.newId("vsfb"), s.tenantId(), s.id(), false,
                clock.instant());
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO vector_store_file_batches (id, tenant_id, vector_store_id, cancelled, "
                    + "created_at) VALUES (:id, :t, :s, :c, :at)").bind("id", b.id()).bind("t", b.tenantId())
                    .bind("s", b.vectorStoreId()).bind("c", false).bind("at", b.createdAt()).execute();
            var insert = h.prepareBatch("INSERT INTO vector_store_file_batch_files (batch_id, tenant_id, file_id) "
                    + "VALUES (:b, :t, :f)");
            for (String f : new java.util.LinkedHashSet<>(fileIds)) {
                insert.bind("b", b.id()).bind("t", b.tenantId()).bind("f", f).add();
            }
            insert.execute();
        });
        return b;
    }

    public Optional<FileBatch> batch(String tenantId, String storeId, String batchId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM vector_store_file_batches WHERE tenant_id = :t AND "
                        + "vector_store_id = :s AND id = :id").bind("t", tenantId).bind("s", storeId).bind("id", batchId)
                .map(BATCH).findOne());
    }

    /** The batch's files by their entries' status now (a file since removed from the store is not counted). */
    public FileCounts counts(FileBatch b) {
        return jdbi.withHandle(h -> counts(h.createQuery("SELECT f.status, COUNT(*) FROM vector_store_file_batch_files "
                        + "b JOIN vector_store_files f ON f.tenant_id = b.tenant_id AND f.vector_store_id = :s AND "
                        + "f.file_id = b.file_id WHERE b.tenant_id = :t AND b.batch_id = :b GROUP BY f.status")
                .bind("t", b.tenantId()).bind("s", b.vectorStoreId()).bind("b", b.id())));
    }

    /** A page of the batch's entries (one more than {@code limit}), optionally of one status, keyset on the row id. */
    public List<StoreFile> files(FileBatch b, String status, String after, int limit, boolean asc) {
        Long cursor = after == null ? null : file(b.tenantId(), b.vectorStoreId(), after).map(StoreFile::rowId)
                .orElse(null);
        if (after != null && cursor == null) {
            return List.of();
        }
        String cmp = asc ? ">" : "<";
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT f.* FROM vector_store_files f JOIN vector_store_file_batch_files b ON "
                    + "b.tenant_id = f.tenant_id AND b.file_id = f.file_id AND b.batch_id = :b WHERE f.tenant_id = :t "
                    + "AND f.vector_store_id = :s" + (status == null ? "" : " AND f.status = :st")
                    + (cursor == null ? "" : " AND f.id " + cmp + " :c") + " ORDER BY f.id " + (asc ? "ASC" : "DESC")
                    + " LIMIT :n")
                    .bind("t", b.tenantId()).bind("s", b.vectorStoreId()).bind("b", b.id()).bind("n", limit + 1);
            if (status != null) {
                q.bind("st", status);
            }
            if (cursor != null) {
                q.bind("c", cursor);
            }
            return q.map(fileMapper).list();
        });
    }

    /** Marks the batch cancelled and returns its entries still in progress (to be cancelled one by one). */
    public List<StoreFile> markCancelled(FileBatch b) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE vector_store_file_batches SET cancelled = :c WHERE tenant_id = :t "
                + "AND id = :id").bind("c", true).bind("t", b.tenantId()).bind("id", b.id()).execute());
        List<StoreFile> open = new ArrayList<>();
        String after = null;
        while (true) {
            List<StoreFile> page = files(b, StoreFile.IN_PROGRESS, after, 500, true);
            open.addAll(page.subList(0, Math.min(500, page.size())));
            if (page.size() <= 500) {
                return open;
            }
            after = page.get(499).fileId();
        }
    }

    // ---- ingestion results

    /**
     * Replaces a file's chunks in a store and marks it completed, in one commit, if the entry is still the one
     * ingested (not detached or re-queued meanwhile). Returns the new generation, or empty when the entry is gone.
     */
    Optional<Integer> complete(StoreFile f, List<StoredChunk> chunks, long usageBytes) {
        return jdbi.inTransaction(h -> {
            int changed = h.createUpdate("UPDATE vector_store_files SET status = :done, chunk_count = :n, "
                            + "usage_bytes = :u, generation = generation + 1, locked_until = NULL, last_error_code = NULL, "
                            + "last_error_message = NULL, updated_at = :now WHERE id = :id AND status = :ip")
                    .bind("done", StoreFile.COMPLETED).bind("n", chunks.size()).bind("u", usageBytes)
                    .bind("now", clock.instant()).bind("id", f.rowId()).bind("ip", StoreFile.IN_PROGRESS).execute();
            if (changed != 1) {
                return Optional.<Integer>empty();
            }
            h.createUpdate("DELETE FROM knowledge_chunks WHERE tenant_id = :t AND vector_store_id = :s AND file_id = :f")
                    .bind("t", f.tenantId()).bind("s", f.vectorStoreId()).bind("f", f.fileId()).execute();
            insertChunks(h, f.tenantId(), chunks);
            return Optional.of(h.createQuery("SELECT generation FROM vector_store_files WHERE id = :id")
                    .bind("id", f.rowId()).mapTo(Integer.class).one());
        });
    }

    private static void insertChunks(Handle h, String tenantId, List<StoredChunk> chunks) {
        var batch = h.prepareBatch("INSERT INTO knowledge_chunks (tenant_id, vector_store_id, file_id, chunk_no, "
                + "content, heading, tokens, embedding) VALUES (:t, :s, :f, :n, :c, :hd, :k, :e)");
        int pending = 0;
        for (StoredChunk c : chunks) {
            batch.bind("t", tenantId).bind("s", c.vectorStoreId()).bind("f", c.fileId()).bind("n", c.chunkNo())
                    .bind("c", c.text()).bind("hd", c.heading()).bind("k", c.tokens()).bind("e", toBytes(c.vector()))
                    .add();
            if (++pending == 200) {
                batch.execute();
                pending = 0;
            }
        }
        if (pending > 0) {
            batch.execute();
        }
    }

    /** Marks an entry failed with an OpenAI error code and a reason, if it is still being ingested. */
    void fail(StoreFile f, String code, String message) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE vector_store_files SET status = :failed, last_error_code = :c, "
                        + "last_error_message = :m, locked_until = NULL, updated_at = :now WHERE id = :id AND status = :ip")
                .bind("failed", StoreFile.FAILED).bind("c", code)
                .bind("m", message.length() > 500 ? message.substring(0, 500) : message).bind("now", clock.instant())
                .bind("id", f.rowId()).bind("ip", StoreFile.IN_PROGRESS).execute());
    }

    /** Leaves an entry queued, to be tried again no earlier than {@code notBefore}. */
    void retryLater(StoreFile f, Instant notBefore, String code, String message) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE vector_store_files SET locked_until = :nb, last_error_code = :c, "
                        + "last_error_message = :m, updated_at = :now WHERE id = :id AND status = :ip")
                .bind("nb", notBefore).bind("c", code)
                .bind("m", message.length() > 500 ? message.substring(0, 500) : message)
                .bind("now", clock.instant()).bind("id", f.rowId()).bind("ip", StoreFile.IN_PROGRESS).execute());
    }

    /** Cancels a queued or running entry (OpenAI's batch cancel); true when it was in progress. */
    public boolean cancel(StoreFile f) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE vector_store_files SET status = :c, locked_until = NULL, "
                        + "updated_at = :now WHERE id = :id AND status = :ip").bind("c", StoreFile.CANCELLED)
                .bind("now", clock.instant()).bind("id", f.rowId()).bind("ip", StoreFile.IN_PROGRESS).execute() == 1);
    }

    // ---- chunks

    /** The chunks of one file in one store, in order (what an index is fed). */
    public List<StoredChunk> chunks(String tenantId, String storeId, String fileId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT vector_store_id, file_id, chunk_no, content, heading, tokens, "
                        + "embedding FROM knowledge_chunks WHERE tenant_id = :t AND vector_store_id = :s AND file_id = :f "
                        + "ORDER BY chunk_no").bind("t", tenantId).bind("s", storeId).bind("f", fileId)
                .map((rs, ctx) -> new StoredChunk(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), toFloats(rs.getBytes(7)))).list());
    }

    /** A hit as the database has it: the chunk, its file's name and its attributes in the store. */
    public record FoundChunk(StoredChunk chunk, String filename, Map<String, Object> attributes) {
    }

    /**
     * The chunks of a search's hits by (store, file, chunk) key, of completed entries only, with their file's name
     * and attributes, in one statement of a primary-key lookup per file: a query OR-ing every hit made the database
     * scan the table, and a query per file or for names and attributes costs a round trip each.
     */
    public Map<String, FoundChunk> found(String tenantId, List<String[]> keys) {
        Map<String, FoundChunk> out = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        Map<String, List<Integer>> byFile = new LinkedHashMap<>();
        for (String[] k : keys) {
            byFile.computeIfAbsent(k[0] + "/" + k[1], x -> new ArrayList<>()).add(Integer.parseInt(k[2]));
        }
        // One statement, a primary-key lookup a file, joined by UNION ALL: one round trip to the database for the
        // whole page of hits (an OR of every hit made the database scan the table).
        StringBuilder sql = new StringBuilder();
        List<Map.Entry<String, List<Integer>>> files = new ArrayList<>(byFile.entrySet());
        for (int i = 0; i < files.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT c.vector_store_id, c.file_id, c.chunk_no, "
                    + "c.content, c.heading, c.tokens, f.filename, v.attributes FROM knowledge_chunks c JOIN "
                    + "vector_store_files v ON v.vector_store_id = c.vector_store_id AND v.file_id = c.file_id JOIN "
                    + "files f ON f.id = c.file_id WHERE c.vector_store_id = :s").append(i).append(" AND c.file_id = :f")
                    .append(i).append(" AND c.chunk_no IN (<n").append(i).append(">) AND c.tenant_id = :t AND "
                    + "v.tenant_id = :t AND f.tenant_id = :t AND v.status = :done");
        }
        jdbi.useHandle(h -> {
            var q = h.createQuery(sql.toString()).bind("t", tenantId).bind("done", StoreFile.COMPLETED);
            for (int i = 0; i < files.size(); i++) {
                String[] sf = files.get(i).getKey().split("/", 2);
                q.bind("s" + i, sf[0]).bind("f" + i, sf[1]).bindList("n" + i, files.get(i).getValue());
            }
            q.map((rs, ctx) -> new FoundChunk(new StoredChunk(rs.getString(1), rs.getString(2), rs.getInt(3),
                            rs.getString(4), rs.getString(5), rs.getInt(6), null), rs.getString(7),
                            readMap(rs.getString(8), new TypeReference<>() { })))
                    .forEach(c -> out.put(key(c.chunk().vectorStoreId(), c.chunk().fileId(), c.chunk().chunkNo()), c));
        });
        return out;
    }

    static String key(String storeId, String fileId, int chunkNo) {
        return storeId + "/" + fileId + "/" + chunkNo;
    }

    /** One tenant's completed entries (what its part of an index should hold). */
    public List<StoreFile> completed(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM vector_store_files WHERE tenant_id = :t AND status = "
                + ":done").bind("t", tenantId).bind("done", StoreFile.COMPLETED).map(fileMapper).list());
    }

    /**
     * A fingerprint of a tenant's completed entries: how many, and the sums of their row ids and generations. Rows
     * are never reused and a generation only grows, so an index holding the same entries at the same generations
     * has the same fingerprint, and one that missed an addition, a removal or a re-ingestion almost never does.
     */
    public record Digest(long files, long rowIds, long generations) {
    }

    /** Every tenant's digest, in one grouped read of the status index (what the periodic comparison reads first). */
    public Map<String, Digest> completedDigests() {
        Map<String, Digest> out = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT tenant_id, COUNT(*), SUM(id), SUM(generation) FROM vector_store_files "
                        + "WHERE status = :done GROUP BY tenant_id").bind("done", StoreFile.COMPLETED)
                .map((rs, ctx) -> Map.entry(rs.getString(1), new Digest(rs.getLong(2), rs.getLong(3), rs.getLong(4))))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    static float[] toFloats(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bytes.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }

    /** Tenant deletion: every store, link and chunk of the tenant. */
    public void deleteTenant(String tenantId) {
        jdbi.useTransaction(h -> {
            for (String table : List.of("knowledge_chunks", "vector_store_file_batch_files",
                    "vector_store_file_batches", "vector_store_files", "vector_stores")) {
                h.createUpdate("DELETE FROM " + table + " WHERE tenant_id = :t").bind("t", tenantId).execute();
            }
        });
    }

    static List<String> storeIds(List<VectorStore> stores) {
        List<String> out = new ArrayList<>();
        stores.forEach(s -> out.add(s.id()));
        return out;
    }
}
