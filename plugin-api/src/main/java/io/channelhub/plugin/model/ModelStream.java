package io.channelhub.plugin.model;

/**
 * A reply arriving piece by piece. The hub pulls deltas until {@link #nextDelta()} returns null, then reads
 * {@link #reply()}; it calls {@link #close()} early when the caller disconnects, which must cancel the upstream
 * request.
 *
 * <pre>{@code
 * try (ModelStream s = provider.stream(request, settings)) {
 *     for (String d = s.nextDelta(); d != null; d = s.nextDelta()) { send(d); }
 *     ModelReply whole = s.reply();
 * }
 * }</pre>
 */
public interface ModelStream extends AutoCloseable {

    /** The next piece of text; blocks until it arrives; null when the reply is complete. */
    String nextDelta() throws ModelException;

    /** The whole reply with tool calls and usage; valid once {@link #nextDelta()} returned null. */
    ModelReply reply();

    /** Stops the stream and releases the connection. */
    @Override
    void close();
}
