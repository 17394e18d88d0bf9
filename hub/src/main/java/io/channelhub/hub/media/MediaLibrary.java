package io.channelhub.hub.media;

import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.plugin.MediaStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Files end users sent through channels, and which messages they are attached to. Every upload is metered
 * ({@code media.files}, {@code media.bytes}) under the tenant and instance.
 */
public class MediaLibrary {

    /** The largest file the hub keeps, whatever a channel allows. */
    public static final int MAX_BYTES = io.channelhub.plugin.MediaStore.MAX_BYTES;

    private final Jdbi jdbi;
    private final UsageLedger ledger;
    private final Clock clock;
    private final RowMapper<MediaStore.StoredMedia> mapper = (rs, ctx) -> new MediaStore.StoredMedia(
            rs.getString("id"), rs.getString("content_type"), rs.getString("file_name"), rs.getLong("size_bytes"),
            rs.getString("sha256"), rs.getString("contact_external_id"),
            ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, "created_at", ctx));

    public MediaLibrary(Jdbi jdbi, UsageLedger ledger, Clock clock) {
        this.jdbi = jdbi;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** The store a channel plugin sees: one tenant, one instance. */
    public MediaStore forInstance(String tenantId, String instanceId, String pluginId) {
        return new MediaStore() {
            @Override
            public StoredMedia put(String contentType, String fileName, byte[] content, String contactExternalId) {
                return store(tenantId, instanceId, pluginId, contentType, fileName, content, contactExternalId);
            }

            @Override
            public Optional<StoredMedia> find(String mediaId) {
                return MediaLibrary.this.find(tenantId, instanceId, mediaId);
            }

            @Override
            public Optional<byte[]> content(String mediaId) {
                return MediaLibrary.this.content(tenantId, instanceId, mediaId);
            }
        };
    }

    MediaStore.StoredMedia store(String tenantId, String instanceId, String pluginId, String contentType,
                                 String fileName, byte[] content, String contact) {
        if (content == null || content.length == 0 || content.length > MAX_BYTES) {
            throw new IllegalArgumentException("a file is 1 to " + MAX_BYTES + " bytes");
        }
        if (contentType == null || !contentType.matches("[a-z0-9.+-]+/[a-zA-Z0-9.+-]+") || contentType.length() > 127) {
            throw new IllegalArgumentException("not a media type: " + contentType);
        }
        String name = fileName == null ? null : fileName.replaceAll("[\\p{Cntrl}/\\\\]", "_");
        if (name != null && name.length() > 255) {
            name = name.substring(name.length() - 255);
        }
        MediaStore.StoredMedia m = new MediaStore.StoredMedia(Ids.newId("med"), contentType, name, content.length,
                sha256(content), contact, clock.instant());
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO media (id, tenant_id, channel_instance_id, "
                        + "contact_external_id, content_type, file_name, size_bytes, sha256, content, created_at) VALUES "
                        + "(:id, :t, :ci, :x, :ct, :n, :s, :sha, :c, :at)")
                .bind("id", m.id()).bind("t", tenantId).bind("ci", instanceId).bind("x", contact)
                .bind("ct", contentType).bind("n", m.fileName()).bind("s", m.size()).bind("sha", m.sha256())
                .bind("c", content).bind("at", m.createdAt()).execute());
        ledger.record(new UsageLedger.UsageEvent(tenantId, "media.files", 1, "file", pluginId, instanceId, null, null,
                "media:" + m.id()));
        ledger.record(new UsageLedger.UsageEvent(tenantId, "media.bytes", m.size(), "byte", pluginId, instanceId, null,
                null, "media-bytes:" + m.id()));
        return m;
    }

    public Optional<MediaStore.StoredMedia> find(String tenantId, String instanceId, String mediaId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, content_type, file_name, size_bytes, sha256, "
                        + "contact_external_id, created_at FROM media WHERE tenant_id = :t AND id = :id AND "
                        + "(:ci IS NULL OR channel_instance_id = :ci)")
                .bind("t", tenantId).bind("id", mediaId).bind("ci", instanceId).map(mapper).findOne());
    }

    public Optional<byte[]> content(String tenantId, String instanceId, String mediaId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT content FROM media WHERE tenant_id = :t AND id = :id AND "
                        + "(:ci IS NULL OR channel_instance_id = :ci)")
                .bind("t", tenantId).bind("id", mediaId).bind("ci", instanceId).mapTo(byte[].class).findOne());
    }

    /** Attaches stored files to a message, in order. */
    public void attach(String tenantId, String messageId, List<String> mediaIds) {
        jdbi.useTransaction(h -> {
            int i = 0;
            for (String id : mediaIds) {
                h.createUpdate("INSERT INTO message_attachments (tenant_id, message_id, media_id, seq_no) VALUES "
                                + "(:t, :m, :id, :i)")
                        .bind("t", tenantId).bind("m", messageId).bind("id", id).bind("i", i++).execute();
            }
        });
    }

    /** The attached media ids of each of these messages that has any. */
    public Map<String, List<String>> attachments(String tenantId, List<String> messageIds) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (messageIds.isEmpty()) {
            return out;
        }
        jdbi.useHandle(h -> h.createQuery("SELECT message_id, media_id FROM message_attachments WHERE tenant_id = :t "
                        + "AND message_id IN (<ids>) ORDER BY message_id, seq_no")
                .bind("t", tenantId).bindList("ids", messageIds)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue())));
        return out;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
