package io.channelhub.hub.conversations;

import java.time.Instant;

/**
 * A person in a conversation instead of its agent. {@link #WAITING}: someone asked for a person (the end user, the
 * agent through its tool, the integrator, a plugin) and the conversation waits in the tenant's queue; {@link #HUMAN}:
 * a console user (or an API key's holder) took it and answers as themselves until they hand it back. While either
 * holds, the agent does not answer.
 *
 * @param state       {@code waiting} or {@code human}
 * @param requestedBy {@code visitor}, {@code agent}, {@code api:<principal>} or {@code plugin:<id>}
 * @param reason      what the request said (the visitor's words, the agent's reason), shown in the queue
 * @param holderId    the principal that took it (null while waiting)
 * @param holderName  the name the end user sees on that person's replies
 * @param since       when it entered its state
 */
public record Handoff(String state, String requestedBy, String reason, String holderId, String holderName,
                      Instant since) {

    public static final String WAITING = "waiting";
    public static final String HUMAN = "human";

    /** The stored columns as a handoff, or null when the agent answers. */
    static Handoff of(String state, String requestedBy, String reason, String holderId, String holderName,
                      Instant since) {
        return state == null ? null : new Handoff(state, requestedBy, reason, holderId, holderName, since);
    }

    public boolean waiting() {
        return WAITING.equals(state);
    }

    public boolean held() {
        return HUMAN.equals(state);
    }
}
