package io.channelhub.hub.knowledge;

import io.channelhub.hub.errors.Failure;
import io.channelhub.plugin.knowledge.AttributeFilter;
import io.channelhub.plugin.knowledge.IndexQuery;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What the API does with knowledge, each operation whole: an upload checked (size, sniffed type) and stored; a file
 * deleted from every store and index before its bytes; a store's files queued for ingestion; a search.
 */
public class Knowledge {

    /** An upload refused for what it is; the web layer picks the status. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** Why. */
        public enum Reason { TOO_LARGE, UNSUPPORTED_TYPE, EMPTY }

        private final Reason reason;
        private final transient Map<String, Object> details;

        Refused(Reason reason, String message, Map<String, Object> details) {
            super(message, null, false, false);
            this.reason = reason;
            this.details = details;
        }

        public Reason reason() {
            return reason;
        }

        public Map<String, Object> details() {
            return details;
        }
    }

    private final KnowledgeFiles files;
    private final VectorStores stores;
    private final Embedders embedders;
    private final Ingestion ingestion;
    private final IndexFeed feed;
    private final KnowledgeSearch search;
    private final KnowledgeConfig config;
    private final TextExtractor sniffer;
    private final Clock clock;

    public Knowledge(KnowledgeFiles files, VectorStores stores, Embedders embedders, Ingestion ingestion,
                     IndexFeed feed, KnowledgeSearch search, TextExtractor sniffer, KnowledgeConfig config,
                     Clock clock) {
        this.sniffer = sniffer;
        this.files = files;
        this.stores = stores;
        this.embedders = embedders;
        this.ingestion = ingestion;
        this.feed = feed;
        this.search = search;
        this.config = config;
        this.clock = clock;
    }

    public KnowledgeFiles files() {
        return files;
    }

    public VectorStores stores() {
        return stores;
    }

    public long maxFileBytes() {
        return config.getMaxFileSize().toBytes();
    }

    /**
     * Reads an upload into a temporary file (at most the size limit, hashing as it goes), sniffs its type, and
     * stores it under the tenant's storage quotas.
     */
    public KnowledgeFile upload(String tenantId, String principalId, String filename, String purpose, InputStream in,
                                Instant expiresAt) {
        if (!KnowledgeFiles.PURPOSES.contains(purpose)) {
            throw Failure.invalid("invalid_purpose", "purpose is one of " + KnowledgeFiles.PURPOSES,
                    Map.of("field", "purpose"));
        }
        String name = filename == null || filename.isBlank() ? "upload" : filename.replaceAll("[\\p{Cntrl}/\\\\]", "_");
        if (name.length() > 255) {
            name = name.substring(name.length() - 255);
        }
        long max = maxFileBytes();
        Path tmp = null;
        try {
            tmp = Files.createTempFile("channelhub-upload", ".part");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                size = copy(in, out, max + 1);
            }
            if (size > max) {
                throw new Refused(Refused.Reason.TOO_LARGE, "the file is larger than " + max + " bytes",
                        Map.of("max_bytes", max));
            }
            if (size == 0) {
                throw new Refused(Refused.Reason.EMPTY, "the file is empty", Map.of());
            }
            String type;
            try (InputStream sniff = Files.newInputStream(tmp)) {
                type = sniffer.detect(sniff, name);
            }
            if (!TextExtractor.supported(type)) {
                throw new Refused(Refused.Reason.UNSUPPORTED_TYPE, "files of type " + type + " are not taken: send "
                        + "PDF, DOCX, HTML, Markdown, plain text, CSV or JSON", Map.of("detected_type", type));
            }
            return files.store(tenantId, principalId, name, purpose, type, tmp, size,
                    HexFormat.of().formatHex(sha.digest()), expiresAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The temporary directory is cleaned on restart.
                }
            }
        }
    }

    private static long copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while (total < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - total))) > 0) {
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    /** Deletes a file: out of every store and index first, then its bytes. */
    public void deleteFile(KnowledgeFile f) {
        for (StoreFile link : stores.forgetFile(f.tenantId(), f.id())) {
            feed.fileRemoved(f.tenantId(), link.vectorStoreId(), f.id());
        }
        files.delete(f);
    }

    /** A new store, with its first files queued. */
    public VectorStore createStore(String tenantId, String principalId, String name, String description,
                                   Map<String, String> metadata, String provider, String model,
                                   Integer expiresAfterDays, List<String> fileIds, int[] chunking) {
        String p = provider == null ? config.getDefaultEmbedding().getProvider() : provider;
        String m = model == null ? (provider == null ? config.getDefaultEmbedding().getModel() : null) : model;
        embedders.check(p, m);
        List<String> ids = fileIds == null ? List.of() : fileIds;
        requireFiles(tenantId, ids);
        VectorStore s = stores.create(tenantId, principalId, name, description, metadata, p, m, expiresAfterDays);
        for (String id : ids) {
            attach(s, id, Map.of(), chunking);
        }
        return s;
    }

    private void requireFiles(String tenantId, List<String> ids) {
        if (ids.size() > 500) {
            throw Failure.invalid("too_many_files", "at most 500 files at once", Map.of("field", "file_ids"));
        }
        List<KnowledgeFile> found = files.find(tenantId, ids);
        if (found.size() != ids.stream().distinct().count()) {
            List<String> missing = ids.stream().filter(id -> found.stream().noneMatch(f -> f.id().equals(id)))
                    .toList();
            throw Failure.invalid("file_not_found", "no such file: " + String.join(", ", missing),
                    Map.of("file_ids", missing));
        }
    }

    /** Adds a file to a store (queued for ingestion); {@code chunking} null: the store model's default. */
    public StoreFile attach(VectorStore s, String fileId, Map<String, Object> attributes, int[] chunking) {
        if (s.expired(clock.instant())) {
            throw Failure.conflict("vector_store_expired", "the vector store has expired");
        }
        requireFiles(s.tenantId(), List.of(fileId));
        int[] c = chunking != null ? chunking : Embedders.autoChunking(s);
        StoreFile f = stores.attach(s, fileId, attributes, c[0], c[1], chunking == null);
        ingestion.kick();
        return f;
    }

    /** One file of a batch: its id, and its own attributes and chunking when it has them. */
    public record BatchFile(String fileId, Map<String, Object> attributes, int[] chunking) {
    }

    /**
     * Adds files to a store together (OpenAI's file batch): every file must exist first, each is queued as
     * {@link #attach} would (one already in the store keeps its entry), and the batch follows them.
     */
    public VectorStores.FileBatch createBatch(VectorStore s, List<BatchFile> batch) {
        if (s.expired(clock.instant())) {
            throw Failure.conflict("vector_store_expired", "the vector store has expired");
        }
        if (batch.isEmpty()) {
            throw Failure.invalid("invalid_request", "a batch needs at least one file", Map.of("field", "file_ids"));
        }
        List<String> ids = batch.stream().map(BatchFile::fileId).toList();
        requireFiles(s.tenantId(), ids);
        for (BatchFile f : batch) {
            int[] c = f.chunking() != null ? f.chunking() : Embedders.autoChunking(s);
            stores.attach(s, f.fileId(), f.attributes(), c[0], c[1], f.chunking() == null);
        }
        VectorStores.FileBatch b = stores.createBatch(s, ids);
        ingestion.kick();
        return b;
    }

    /** Cancels what of the batch is not ingested yet; a file being ingested at that moment may still complete. */
    public void cancelBatch(VectorStores.FileBatch b) {
        for (StoreFile f : stores.markCancelled(b)) {
            stores.cancel(f);
        }
    }

    public void detach(StoreFile f) {
        if (stores.detach(f)) {
            feed.fileRemoved(f.tenantId(), f.vectorStoreId(), f.fileId());
        }
    }

    public StoreFile updateAttributes(StoreFile f, Map<String, Object> attributes) {
        StoreFile updated = stores.updateAttributes(f, attributes);
        if (StoreFile.COMPLETED.equals(updated.status())) {
            feed.indexed(updated);
        }
        return updated;
    }

    public void deleteStore(VectorStore s) {
        if (stores.delete(s)) {
            feed.storeRemoved(s.tenantId(), s.id());
        }
    }

    /** Searches one store (the API's search endpoint). */
    public List<KnowledgeSearch.Hit> search(VectorStore s, String query, int limit, AttributeFilter filter,
                                            IndexQuery.Mode mode, double minScore) {
        if (s.expired(clock.instant())) {
            throw Failure.conflict("vector_store_expired", "the vector store has expired: set a new expires_after to "
                    + "use it again");
        }
        return search.search(s.tenantId(), List.of(s), query, limit, filter, mode, minScore);
    }

    /** The text of a file as a store chunked it (OpenAI's vector store file content). */
    public List<String> chunkTexts(StoreFile f) {
        return stores.chunks(f.tenantId(), f.vectorStoreId(), f.fileId()).stream()
                .map(VectorStores.StoredChunk::text).toList();
    }

    /** Tenant deletion and erasure of a whole tenant: stores, chunks, indexes, files. */
    public void deleteTenant(String tenantId) {
        stores.deleteTenant(tenantId);
        feed.tenantRemoved(tenantId);
        // Each page is deleted before the next is read, so the first page is always the next one.
        List<KnowledgeFile> page;
        do {
            page = files.list(tenantId, null, null, 200, true);
            page.forEach(files::delete);
        } while (!page.isEmpty());
    }
}
