package io.channelhub.hub.web;

import io.channelhub.hub.conversations.Message;
import io.channelhub.hub.conversations.ReplySink;
import io.channelhub.hub.conversations.TurnService;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.plugin.model.ModelMessage;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A turn's reply as Server-Sent Events: {@code start} (the stored message and the reply's id), {@code delta}s as the
 * model writes, {@code tool_call}s where the caller may see them, then {@code done} with the stored turn, or
 * {@code error}. Each entry point says what its events carry.
 */
public final class SseReply implements ReplySink {

    private final SseWriter sse;
    private final BiFunction<Message, String, Object> start;
    private final Function<TurnService.Result, Object> done;
    private final boolean showToolCalls;
    private final boolean stopWhenGone;
    private final AtomicBoolean gone = new AtomicBoolean();

    /**
     * {@code showToolCalls}: an integrator sees the agent's tool use and its citations whole (file, store, chunk,
     * score), an end user only the answer and the names of its sources.
     * {@code stopWhenGone}: an integrator who disconnects stops the model; a visitor who reloads mid-reply must find
     * the whole reply in the history, so their turn runs to its end (writes to the closed stream are dropped).
     */
    public SseReply(SseWriter sse, BiFunction<Message, String, Object> start,
                    Function<TurnService.Result, Object> done, boolean showToolCalls, boolean stopWhenGone) {
        this.sse = sse;
        this.start = start;
        this.done = done;
        this.showToolCalls = showToolCalls;
        this.stopWhenGone = stopWhenGone;
    }

    @Override
    public boolean streams() {
        return true;
    }

    @Override
    public void start(Message user, String replyId) {
        sse.event("start", start.apply(user, replyId));
    }

    @Override
    public void delta(String text) {
        sse.event("delta", Map.of("text", text));
    }

    @Override
    public void citations(java.util.List<io.channelhub.hub.knowledge.Citation> citations) {
        if (showToolCalls) {
            sse.event("citations", Map.of("citations", citations));
        } else {
            sse.event("sources", Map.of("sources", Sources.of(citations)));
        }
    }

    @Override
    public void toolCall(ModelMessage.ToolCall call) {
        if (showToolCalls) {
            sse.event("tool_call", Map.of("id", call.id(), "name", call.name(), "arguments", call.arguments()));
        }
    }

    @Override
    public void cancellable(Runnable cancel) {
        if (stopWhenGone) {
            sse.onDisconnect(() -> {
                gone.set(true);
                cancel.run();
            });
        }
    }

    @Override
    public boolean cancelled() {
        return stopWhenGone && (gone.get() || sse.isClosed());
    }

    @Override
    public void answered(TurnService.Result result) {
        sse.event("done", done.apply(result));
    }

    /** A turn that failed after the stream began: the error is the stream's last event. */
    public void failed(HubFailure e) {
        // With the type its status would have had (OpenAI's clients read it), as a JSON answer's error has.
        sse.event("error", ErrorResponse.of(io.channelhub.hub.errors.ApiException.from(e).status(), e.code(),
                e.getMessage(), e.details()));
    }
}
