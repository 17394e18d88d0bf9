package io.channelhub.hub.channels;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.conversations.Message;
import io.channelhub.plugin.channel.DeliveryStatus;
import org.junit.jupiter.api.Test;

/** Delivery states move only forward, and every state a channel can report has a place in that order. */
class DeliveryStatesTest {

    @Test
    void aPartReplacesOnlyTheStatesBeforeIt() {
        assertThat(DeliveryParts.State.QUEUED.before()).isEmpty();
        assertThat(DeliveryParts.State.READ.before()).containsExactly(DeliveryParts.State.QUEUED,
                DeliveryParts.State.SENT, DeliveryParts.State.DELIVERED);
        assertThat(DeliveryParts.State.FAILED.before()).hasSize(4).doesNotContain(DeliveryParts.State.FAILED);
    }

    @Test
    void aMessageMovesFromItsStoredReplyForwardOnly() {
        assertThat(Message.Status.SENT.movesFrom()).containsExactly(Message.Status.COMPLETED, Message.Status.QUEUED);
        assertThat(Message.Status.DELIVERED.movesFrom()).doesNotContain(Message.Status.READ, Message.Status.FAILED);
        assertThat(Message.Status.FAILED.movesFrom()).containsExactly(Message.Status.COMPLETED, Message.Status.QUEUED,
                Message.Status.SENT, Message.Status.DELIVERED, Message.Status.READ);
        // Statuses no channel reports never move a message.
        assertThat(Message.Status.RECEIVED.movesFrom()).isEmpty();
        assertThat(Message.Status.UNANSWERED.movesFrom()).isEmpty();
    }

    @Test
    void everyReportedStateIsAPartStateAndAMessageStatus() {
        for (DeliveryStatus.State reported : DeliveryStatus.State.values()) {
            DeliveryParts.State state = DeliveryParts.State.of(reported);
            assertThat(state.message().wire()).isEqualTo(state.wire());
            assertThat(state.message().movesFrom()).isNotEmpty();
        }
    }

    @Test
    void aStateWrittenByANewerReplicaReadsAsUnknownInsteadOfFailing() {
        assertThat(DeliveryParts.State.read("sent")).isEqualTo(DeliveryParts.State.SENT);
        assertThat(DeliveryParts.State.read("played")).isNull();
    }
}
