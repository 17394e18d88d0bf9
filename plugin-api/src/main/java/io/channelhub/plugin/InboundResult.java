package io.channelhub.plugin;

import io.channelhub.plugin.channel.MessageReceived;
import java.util.List;

/**
 * What a plugin's inbound handler returns: the answer for the caller and the events it parsed, each bound to the
 * context (and so the tenant) it belongs to. The hub persists the events first and only then writes the answer;
 * if storing fails the caller gets a 5xx and will retry, so nothing acknowledged is ever lost.
 *
 * <p>A streaming channel (a web widget on an open connection) returns a {@link Turn} instead: the hub stores the
 * one message, runs the agent's turn at once and answers the connection with the reply itself, streamed as
 * Server-Sent Events or as JSON, adding the headers of {@link #answer()} (CORS, for instance) to it.
 *
 * <pre>{@code
 * return InboundResult.accepted(HttpAnswer.status(200), List.of(new BoundEvent(ctx, event)));
 * return InboundResult.answerOnly(HttpAnswer.text(200, challenge));   // handshake
 * return InboundResult.turn(cors, new BoundEvent(ctx, message), new Turn(agent, true));
 * }</pre>
 *
 * @param answer the answer to write once the events are stored; with a turn, only its headers are used
 * @param events the parsed events
 * @param turn   the agent turn to run and answer with, or null
 * @since 1.1.0 for {@code turn}
 */
public record InboundResult(HttpAnswer answer, List<BoundEvent> events, Turn turn) {

    /**
     * Copies the list and checks that a turn carries exactly one message. A missing answer fails here, in the
     * plugin's call, so the hub stores nothing it could not then answer for.
     */
    public InboundResult {
        java.util.Objects.requireNonNull(answer, "answer");
        events = List.copyOf(events);
        if (turn != null && (events.size() != 1 || !(events.get(0).event() instanceof MessageReceived))) {
            throw new IllegalArgumentException("a turn needs exactly one MessageReceived event");
        }
    }

    /** An answer and events, without a turn (the form of plugin API 1.0). */
    public InboundResult(HttpAnswer answer, List<BoundEvent> events) {
        this(answer, events, null);
    }

    /** An answer with events to store first. */
    public static InboundResult accepted(HttpAnswer answer, List<BoundEvent> events) {
        return new InboundResult(answer, events, null);
    }

    /** An answer with nothing to store (a handshake or a refusal). */
    public static InboundResult answerOnly(HttpAnswer answer) {
        return new InboundResult(answer, List.of(), null);
    }

    /**
     * A message whose agent reply the hub writes to this connection.
     *
     * @param headers an answer whose headers go on the hub's reply (its status and body are ignored)
     * @param message the visitor's message
     * @param turn    how to answer
     * @since 1.1.0
     */
    public static InboundResult turn(HttpAnswer headers, BoundEvent message, Turn turn) {
        return new InboundResult(headers, List.of(message), java.util.Objects.requireNonNull(turn, "turn"));
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

    /**
     * How the hub answers a streaming channel's message: it stores the message (once per external id; a repeated
     * id gets the stored message and reply back), checks rate limits and quotas, runs the agent and writes the
     * reply. The wire format is the hub's (docs/channel-web.md): SSE events {@code start}, {@code delta},
     * {@code done} and {@code error}, or one JSON object {@code {"message", "reply"}}.
     *
     * <pre>{@code
     * new Turn(settings.get("agent").orElse(null), acceptsEventStream)
     * }</pre>
     *
     * @param agent  the agent's id or slug; null for the tenant's default agent
     * @param stream whether to stream the reply as Server-Sent Events
     * @since 1.1.0
     */
    public record Turn(String agent, boolean stream) {
    }
}
