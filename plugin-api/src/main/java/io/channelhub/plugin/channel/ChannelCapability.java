package io.channelhub.plugin.channel;

/**
 * Optional features of a channel, declared in its {@link ChannelDescriptor}; the hub uses only what is declared.
 *
 * <pre>{@code
 * Set.of(ChannelCapability.STREAMING, ChannelCapability.MEDIA)
 * }</pre>
 */
public enum ChannelCapability {
    /** Replies can be streamed to the open connection as deltas. */
    STREAMING,
    /** Images, audio, video and documents. */
    MEDIA,
    /** Pre-approved message templates. */
    TEMPLATES,
    /** Buttons and lists. */
    INTERACTIVE,
    /** Reactions to messages. */
    REACTIONS,
    /** Read receipts and mark-as-read. */
    READ_RECEIPTS,
    /** A typing indicator. */
    TYPING
}
