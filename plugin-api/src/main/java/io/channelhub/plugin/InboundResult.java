package io.channelhub.plugin;

import java.util.List;

/**
 * What a plugin's inbound handler returns: the answer for the caller and the events it parsed, each bound to the
 * context (and so the tenant) it belongs to. The hub persists the events first and only then writes the answer;
 * if storing fails the caller gets a 5xx and will retry, so nothing acknowledged is ever lost.
 *
 * <pre>{@code
 * return InboundResult.accepted(HttpAnswer.status(200), List.of(new BoundEvent(ctx, event)));
 * return InboundResult.answerOnly(HttpAnswer.text(200, challenge));   // handshake
 * }</pre>
 *
 * @param answer the answer to write once the events are stored
 * @param events the parsed events
 */
public record InboundResult(HttpAnswer answer, List<BoundEvent> events) {

    /** Copies the list. */
    public InboundResult {
        events = List.copyOf(events);
    }

    /** An answer with events to store first. */
    public static InboundResult accepted(HttpAnswer answer, List<BoundEvent> events) {
        return new InboundResult(answer, events);
    }

    /** An answer with nothing to store (a handshake or a refusal). */
    public static InboundResult answerOnly(HttpAnswer answer) {
        return new InboundResult(answer, List.of());
    }

    /**
     * An event and the context of the instance it belongs to. The hub accepts only contexts it issued for the
     * current request.
     *
     * @param context the instance context, from the scope of the request
     * @param event   the event
     */
    public record BoundEvent(PluginContext context, InboundEvent event) {
    }
}
