package io.channelhub.hub.knowledge;

import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.limits.QuotaReservation;
import io.channelhub.hub.limits.Quotas;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.persistence.Ids;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * A tenant's uploaded files. Storage is metered as a level ({@code storage.bytes}, {@code storage.files}: an upload
 * adds, a delete gives back), so a hard quota on them with period {@code total} caps what a tenant keeps.
 */
public class KnowledgeFiles {

    /** The purposes a file may be uploaded for: the ones knowledge reads. */
    public static final Set<String> PURPOSES = Set.of("assistants", "user_data");
    static final int PART_BYTES = 1024 * 1024;
    static final String STORAGE_BYTES = "storage.bytes";
    static final String STORAGE_FILES = "storage.files";

    private final Jdbi jdbi;
    private final UsageLedger ledger;
    private final Quotas quotas;
    private final Clock clock;
    private final RowMapper<KnowledgeFile> mapper = (rs, ctx) -> {
        var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
        return new KnowledgeFile(rs.getString("id"), rs.getString("tenant_id"), rs.getString("filename"),
                rs.getString("purpose"), rs.getString("content_type"), rs.getLong("size_bytes"),
                rs.getString("sha256"), rs.getString("owner_principal_id"), instants.map(rs, "created_at", ctx),
                instants.map(rs, "expires_at", ctx));
    };

    public KnowledgeFiles(Jdbi jdbi, UsageLedger ledger, Quotas quotas, Clock clock) {
        this.jdbi = jdbi;
        this.ledger = ledger;
        this.quotas = quotas;
        this.clock = clock;
    }

    /**
     * Stores an upload already checked and spooled to {@code content} ({@code size} bytes, {@code sha256} hex), under
     * the tenant's storage quotas: the file, its parts and its usage in one commit.
     */
    public KnowledgeFile store(String tenantId, String principalId, String filename, String purpose,
                               String contentType, Path content, long size, String sha256, Instant expiresAt) {
        KnowledgeFile f = new KnowledgeFile(Ids.newId("file"), tenantId, filename, purpose, contentType, size, sha256,
                principalId, clock.instant(), expiresAt);
        List<UsageLedger.UsageEvent> usage = List.of(
                new UsageLedger.UsageEvent(tenantId, STORAGE_BYTES, size, "byte", null, null, null, null,
                        "file-bytes:" + f.id()),
                new UsageLedger.UsageEvent(tenantId, STORAGE_FILES, 1, "file", null, null, null, null,
                        "file:" + f.id()));
        try (QuotaReservation bytes = quotas.reserve(tenantId, STORAGE_BYTES, size);
             QuotaReservation files = quotas.reserve(tenantId, STORAGE_FILES, 1)) {
            jdbi.useTransaction(h -> {
                h.createUpdate("INSERT INTO files (id, tenant_id, filename, purpose, content_type, size_bytes, sha256, "
                                + "owner_principal_id, created_at, expires_at) VALUES (:id, :t, :n, :p, :ct, :s, :sha, "
                                + ":o, :at, :exp)")
                        .bind("id", f.id()).bind("t", tenantId).bind("n", filename).bind("p", purpose)
                        .bind("ct", contentType).bind("s", size).bind("sha", sha256).bind("o", principalId)
                        .bind("at", f.createdAt()).bind("exp", expiresAt).execute();
                writeParts(h, tenantId, f.id(), content);
                ledger.insert(h, usage);
            });
            bytes.callBound(() -> {
                ledger.recorded(usage.get(0));
                return null;
            });
            files.callBound(() -> {
                ledger.recorded(usage.get(1));
                return null;
            });
        }
        return f;
    }

    private static void writeParts(Handle h, String tenantId, String fileId, Path content) {
        try (InputStream in = Files.newInputStream(content)) {
            byte[] buf = new byte[PART_BYTES];
            int part = 0;
            while (true) {
                int n = in.readNBytes(buf, 0, buf.length);
                if (n <= 0) {
                    break;
                }
                byte[] bytes = n == buf.length ? buf.clone() : java.util.Arrays.copyOf(buf, n);
                h.createUpdate("INSERT INTO file_parts (tenant_id, file_id, part_no, content) VALUES (:t, :f, :n, :c)")
                        .bind("t", tenantId).bind("f", fileId).bind("n", part++).bind("c", bytes).execute();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<KnowledgeFile> find(String tenantId, String fileId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM files WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", fileId).map(mapper).findOne());
    }

    /** The file, or a 404 naming it. */
    public KnowledgeFile get(String tenantId, String fileId) {
        return find(tenantId, fileId).orElseThrow(() -> Failure.notFound("file"));
    }

    /** Several files of a tenant by id (missing ones left out). */
    public List<KnowledgeFile> find(String tenantId, java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM files WHERE tenant_id = :t AND id IN (<ids>)")
                .bind("t", tenantId).bindList("ids", new ArrayList<>(ids)).map(mapper).list());
    }

    /**
     * A page of the tenant's files, newest first ({@code asc} false) or oldest first, after the file {@code after}
     * (its id, the cursor), one more than {@code limit} so the caller knows whether there is more.
     */
    public List<KnowledgeFile> list(String tenantId, String purpose, String after, int limit, boolean asc) {
        return jdbi.withHandle(h -> {
            KnowledgeFile cursor = after == null ? null : find(tenantId, after).orElse(null);
            if (after != null && cursor == null) {
                return List.of();
            }
            String cmp = asc ? ">" : "<";
            String sql = "SELECT * FROM files WHERE tenant_id = :t" + (purpose == null ? "" : " AND purpose = :p")
                    + (cursor == null ? "" : " AND (created_at " + cmp + " :ca OR (created_at = :ca AND id " + cmp
                    + " :cid))") + " ORDER BY created_at " + (asc ? "ASC" : "DESC") + ", id " + (asc ? "ASC" : "DESC")
                    + " LIMIT :n";
            var q = h.createQuery(sql).bind("t", tenantId).bind("n", limit + 1);
            if (purpose != null) {
                q.bind("p", purpose);
            }
            if (cursor != null) {
                q.bind("ca", cursor.createdAt()).bind("cid", cursor.id());
            }
            return q.map(mapper).list();
        });
    }

    /** The file's bytes, streamed part by part (one part in memory at a time). */
    public InputStream content(KnowledgeFile f) {
        int parts = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM file_parts WHERE tenant_id = :t AND "
                + "file_id = :f").bind("t", f.tenantId()).bind("f", f.id()).mapTo(Integer.class).one());
        Enumeration<InputStream> each = new Enumeration<>() {
            private int next;

            @Override
            public boolean hasMoreElements() {
                return next < parts;
            }

            @Override
            public InputStream nextElement() {
                int n = next++;
                byte[] b = jdbi.withHandle(h -> h.createQuery("SELECT content FROM file_parts WHERE tenant_id = :t AND "
                                + "file_id = :f AND part_no = :n").bind("t", f.tenantId()).bind("f", f.id()).bind("n", n)
                        .mapTo(byte[].class).findOne().orElse(new byte[0]));
                return new ByteArrayInputStream(b);
            }
        };
        return parts == 0 ? new ByteArrayInputStream(new byte[0]) : new SequenceInputStream(each);
    }

    /**
     * Deletes the file's row and bytes and gives its storage back; the caller removed it from its stores first
     * ({@link VectorStores#forgetFile}). False when it was already gone.
     */
    public boolean delete(KnowledgeFile f) {
        boolean deleted = jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM file_parts WHERE tenant_id = :t AND file_id = :f")
                    .bind("t", f.tenantId()).bind("f", f.id()).execute();
            return h.createUpdate("DELETE FROM files WHERE tenant_id = :t AND id = :f")
                    .bind("t", f.tenantId()).bind("f", f.id()).execute() == 1;
        });
        if (deleted) {
            release(f);
        }
        return deleted;
    }

    /** Gives a deleted file's storage back to the tenant's level counters. */
    void release(KnowledgeFile f) {
        ledger.record(new UsageLedger.UsageEvent(f.tenantId(), STORAGE_BYTES, -f.bytes(), "byte", null, null, null,
                null, "file-bytes-freed:" + f.id()));
        ledger.record(new UsageLedger.UsageEvent(f.tenantId(), STORAGE_FILES, -1, "file", null, null, null, null,
                "file-freed:" + f.id()));
    }

    /** Files past their expiry, oldest first, across tenants (for the retention job). */
    public List<KnowledgeFile> expired(Instant now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM files WHERE expires_at IS NOT NULL AND expires_at < :now "
                + "ORDER BY expires_at LIMIT :n").bind("now", now).bind("n", limit).map(mapper).list());
    }

    /** The tenant's files uploaded before {@code cutoff}, oldest first (for its retention). */
    public List<KnowledgeFile> olderThan(String tenantId, Instant cutoff, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM files WHERE tenant_id = :t AND created_at < :c "
                + "ORDER BY created_at, id LIMIT :n").bind("t", tenantId).bind("c", cutoff).bind("n", limit)
                .map(mapper).list());
    }

    /** How many of the tenant's files were uploaded before {@code cutoff}. */
    public long countOlderThan(String tenantId, Instant cutoff) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM files WHERE tenant_id = :t AND created_at < :c")
                .bind("t", tenantId).bind("c", cutoff).mapTo(Long.class).one());
    }
}
