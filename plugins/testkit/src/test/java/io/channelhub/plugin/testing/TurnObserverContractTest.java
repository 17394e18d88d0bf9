package io.channelhub.plugin.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.turn.CompletedTurn;
import io.channelhub.plugin.turn.TurnObserver;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The observer contract passes an observer that keys its writes by the turn, and fails one that counts again. */
class TurnObserverContractTest {

    /** Tags buying intent; {@code keyByTurn} false meters and counts on every look, as a careless observer would. */
    record Intent(boolean keyByTurn, boolean touchesAll) implements TurnObserver {
        @Override
        public String id() {
            return "intent";
        }

        @Override
        public void observe(CompletedTurn turn, PluginContext context) {
            if (!turn.userMessage().content().contains("price")) {
                return;
            }
            var conversations = context.conversations();
            conversations.annotate(turn.conversationId(), "intent", "buy");
            if (touchesAll) {
                conversations.annotate("cnv_other", "intent", "buy");
            }
            if (keyByTurn) {
                context.metering().record("intent.checks", 1, "turn", "intent:" + turn.turnId());
            } else {
                int seen = Integer.parseInt(conversations.annotations(turn.conversationId()).getOrDefault("seen", "0"));
                conversations.annotate(turn.conversationId(), "seen", String.valueOf(seen + 1));
                context.metering().record("intent.checks", 1, "turn", "intent:" + System.nanoTime());
            }
        }
    }

    static TurnObserverContract contract(TurnObserver observer) {
        return new TurnObserverContract() {
            @Override
            protected TurnObserver observer() {
                return observer;
            }

            @Override
            protected String userSays() {
                return "what is the price of the premium plan?";
            }
        };
    }

    @Test
    void anObserverThatKeysItsWritesByTheTurnPasses() {
        TurnObserverContract c = contract(new Intent(true, false));
        assertThatCode(() -> {
            c.itHasAValidId();
            c.itObservesInATenantContextWithoutAnInstance();
            c.observingTheSameTurnAgainChangesNothing();
            c.itTouchesOnlyTheConversationOfTheTurn();
        }).doesNotThrowAnyException();
    }

    @Test
    void anObserverThatCountsEveryLookFails() {
        assertThatThrownBy(() -> contract(new Intent(false, false)).observingTheSameTurnAgainChangesNothing())
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("the same annotations");
    }

    @Test
    void anObserverThatWritesToAnotherConversationFails() {
        assertThatThrownBy(() -> contract(new Intent(true, true)).itTouchesOnlyTheConversationOfTheTurn())
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("no annotation on a conversation");
    }

    @Test
    void theFakeRefusesAConversationItDoesNotKnowAndABadName() {
        FakePluginContext context = FakePluginContext.forTenant("ten_a", "p");
        assertThatThrownBy(() -> context.conversations().annotate("cnv_unknown", "intent", "buy"))
                .isInstanceOf(IllegalArgumentException.class);
        context.conversation("cnv_known");
        assertThatThrownBy(() -> context.conversations().annotate("cnv_known", "Bad Name", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> context.conversations().annotate("cnv_known", "long", "x".repeat(1_001)))
                .isInstanceOf(IllegalArgumentException.class);
        for (int i = 0; i < 50; i++) {
            context.conversations().annotate("cnv_known", "n" + i, "v");
        }
        assertThatThrownBy(() -> context.conversations().annotate("cnv_known", "n50", "v"))
                .isInstanceOf(IllegalArgumentException.class);
        context.conversations().annotate("cnv_known", "n0", null);
        assertThatCode(() -> context.conversations().annotate("cnv_known", "n50", "v")).doesNotThrowAnyException();
    }
}
