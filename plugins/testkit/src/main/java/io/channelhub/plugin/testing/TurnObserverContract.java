package io.channelhub.plugin.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.channelhub.plugin.Conversations.MessageView;
import io.channelhub.plugin.turn.CompletedTurn;
import io.channelhub.plugin.turn.TurnObserver;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the hub relies on from every turn observer, as tests an observer's plugin inherits. The hub delivers each turn
 * at least once, in a tenant-wide context without a channel instance, so observing the same turn again must leave
 * what the first look left: the same annotations and documents, and no usage counted twice.
 *
 * <pre>{@code
 * class BuyingIntentContractTest extends TurnObserverContract {
 *     protected TurnObserver observer() { return new BuyingIntent(); }
 *     protected String userSays() { return "what is the price of the premium plan?"; }
 * }
 * }</pre>
 *
 * @since 1.4.0
 */
public abstract class TurnObserverContract {

    /** The observer under test. */
    protected abstract TurnObserver observer();

    /** What the user says in the turn the contract observes: something the observer acts on. */
    protected abstract String userSays();

    /** What the agent answers in that turn. */
    protected String agentAnswers() {
        return "The premium plan costs 99 a month. Shall I ask someone from sales to call you?";
    }

    /** The tenant-wide context of the observer's plugin; override to add settings, documents or answers. */
    protected FakePluginContext context() {
        return FakePluginContext.forTenant("ten_test", "observer-under-test");
    }

    /** A turn of {@code conversationId} as the hub hands it over, with its messages known to {@code context}. */
    protected CompletedTurn turn(FakePluginContext context, String conversationId) {
        Instant at = context.clock().instant();
        MessageView user = new MessageView("msg_user_" + conversationId, conversationId, "user", userSays(), null,
                at.minusSeconds(2));
        MessageView reply = new MessageView("msg_reply_" + conversationId, conversationId, "assistant",
                agentAnswers(), null, at);
        context.message(user, "visitor-1").message(reply, "visitor-1");
        return new CompletedTurn(reply.id(), conversationId, "agt_test", Optional.empty(), Optional.of("visitor-1"),
                user, reply, "test-model", 120, 30, at);
    }

    @Test
    void itHasAValidId() {
        String id = observer().id();
        assertTrue(id != null && id.matches("[a-z0-9][a-z0-9_-]{0,63}"),
                "an id of a-z, 0-9, '-' and '_', at most 64 characters: " + id);
    }

    @Test
    void itObservesInATenantContextWithoutAnInstance() {
        FakePluginContext context = context();
        observer().observe(turn(context, "cnv_first"), context);
    }

    @Test
    void observingTheSameTurnAgainChangesNothing() {
        FakePluginContext context = context();
        CompletedTurn turn = turn(context, "cnv_again");
        TurnObserver observer = observer();
        observer.observe(turn, context);
        var annotations = context.annotationsOf(turn.conversationId());
        var documents = context.documents();
        List<FakePluginContext.Metered> metered = context.metered();

        observer.observe(turn, context);
        assertEquals(annotations, context.annotationsOf(turn.conversationId()), "the same annotations");
        assertEquals(documents, context.documents(), "the same documents");
        assertEquals(metered, context.metered(), "no usage counted twice (key it by the turn's id)");
    }

    @Test
    void itTouchesOnlyTheConversationOfTheTurn() {
        FakePluginContext context = context();
        CompletedTurn other = turn(context, "cnv_other");
        CompletedTurn turn = turn(context, "cnv_observed");
        observer().observe(turn, context);
        assertEquals(java.util.Map.of(), context.annotationsOf(other.conversationId()),
                "no annotation on a conversation it was not shown");
    }
}
