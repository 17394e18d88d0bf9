package io.channelhub.plugin.channel;

/**
 * A file a channel downloaded for an inbound message, for the hub to store and pass to the agent.
 *
 * <pre>{@code
 * return Optional.of(new FetchedMedia("image/jpeg", null, bytes));
 * }</pre>
 *
 * @param contentType its media type
 * @param fileName    its name, if the channel gives one
 * @param content     the bytes
 * @since 1.1.0
 */
public record FetchedMedia(String contentType, String fileName, byte[] content) {

    /** Copies the bytes. */
    public FetchedMedia {
        content = content == null ? new byte[0] : content.clone();
    }

    /** The bytes. */
    @Override
    public byte[] content() {
        return content.clone();
    }
}
