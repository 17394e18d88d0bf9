package io.channelhub.hub.conversations;

import io.channelhub.plugin.model.ModelMessage;

/**
 * Where a turn's reply goes: the caller's JSON answer, an SSE stream, or a channel's outbox. The pipeline runs the
 * turn the same way for each; a sink that {@link #streams()} also sees the reply as the model writes it.
 */
public interface ReplySink {

    /** Whether the model is asked to stream and this sink gets {@link #start}, {@link #delta} and tool calls. */
    default boolean streams() {
        return false;
    }

    /** The stored user message, and the id the reply will have. */
    default void start(Message user, String replyId) {
    }

    default void delta(String text) {
    }

    default void toolCall(ModelMessage.ToolCall call) {
    }

    /** The passages retrieval grounded the reply on, before the first delta (a stream can show its sources). */
    default void citations(java.util.List<io.channelhub.hub.knowledge.Citation> citations) {
    }

    /** A way to stop the model call, e.g. when the client disconnects. */
    default void cancellable(Runnable cancel) {
    }

    /** The caller went away: the model call stops and nothing more is stored. */
    default boolean cancelled() {
        return false;
    }

    /** The turn is done: the reply is stored with the turn's usage. */
    void answered(TurnService.Result result);

    /** A sink that only takes the result (a JSON answer is built from what {@link TurnPipeline.Admitted#answer} returns). */
    static ReplySink result() {
        return r -> {
        };
    }
}
