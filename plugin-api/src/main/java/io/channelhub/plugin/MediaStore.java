package io.channelhub.plugin;

import java.time.Instant;
import java.util.Optional;

/**
 * Files of the context's tenant that end users sent through a channel (a widget upload, a WhatsApp image), stored
 * by the hub. A channel stores the bytes, then names the returned id in a {@link
 * io.channelhub.plugin.channel.MessageReceived} attribute {@code media_ids}; the hub attaches them to the message
 * and passes them to models that read them. Uploads are metered by the hub.
 *
 * <pre>{@code
 * StoredMedia m = context.media().put("image/png", "receipt.png", bytes, visitorId);
 * attributes.put("media_ids", m.id());
 * }</pre>
 *
 * @since 1.1.0
 */
public interface MediaStore {

    /** The largest file the hub stores (20 MiB): a channel refuses larger ones before fetching or accepting them. */
    int MAX_BYTES = 20 * 1024 * 1024;

    /**
     * Stores a file for the current instance.
     *
     * @param contentType       its media type, already checked by the channel
     * @param fileName          its name as the user gave it, may be null
     * @param content           the bytes
     * @param contactExternalId the contact it came from, so privacy export and erasure reach it
     */
    StoredMedia put(String contentType, String fileName, byte[] content, String contactExternalId);

    /** A stored file of the current instance. */
    Optional<StoredMedia> find(String mediaId);

    /** The bytes of a stored file of the current instance. */
    Optional<byte[]> content(String mediaId);

    /**
     * A stored file.
     *
     * @param id                the hub's id
     * @param contentType       its media type
     * @param fileName          its name, may be null
     * @param size              its size in bytes
     * @param sha256            the hex SHA-256 of its bytes
     * @param contactExternalId the contact it came from, may be null
     * @param createdAt         when it was stored
     */
    record StoredMedia(String id, String contentType, String fileName, long size, String sha256,
                       String contactExternalId, Instant createdAt) {
    }
}
