package io.channelhub.hub.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.billing.Charge;
import org.junit.jupiter.api.Test;

/**
 * Invoice statuses move only as the transition table allows, and stored statuses keep the strings the column and
 * the API always had, including ones this version does not know.
 */
class BillingStatusesTest {

    @Test
    void aPaidInvoiceMovesOnlyToRefunded() {
        for (Invoices.Status next : Invoices.Status.values()) {
            assertThat(next.movesFrom().contains(Invoices.Status.PAID)).as(next.wire())
                    .isEqualTo(next == Invoices.Status.REFUNDED);
        }
    }

    @Test
    void eachInvoiceStatusReplacesOnlyWhatItMayFollow() {
        assertThat(Invoices.Status.PAID.movesFrom()).containsExactlyInAnyOrder(Invoices.Status.OPEN,
                Invoices.Status.OVERDUE, Invoices.Status.VOID);
        assertThat(Invoices.Status.OVERDUE.movesFrom()).containsExactly(Invoices.Status.OPEN);
        assertThat(Invoices.Status.REFUNDED.movesFrom()).containsExactly(Invoices.Status.PAID);
        assertThat(Invoices.Status.VOID.movesFrom()).containsExactlyInAnyOrder(Invoices.Status.OPEN,
                Invoices.Status.OVERDUE);
        // No gateway report reopens an invoice.
        assertThat(Invoices.Status.OPEN.movesFrom()).isEmpty();
    }

    @Test
    void everyChargeStatusButPendingMovesAnInvoiceToAStatusWithAWayIn() {
        for (Charge.ChargeStatus c : Charge.ChargeStatus.values()) {
            Invoices.Status next = Invoices.Status.of(c);
            if (c == Charge.ChargeStatus.PENDING) {
                assertThat(next).isNull();
            } else {
                assertThat(next).as(c.name()).isNotNull();
                assertThat(next.movesFrom()).as(c.name()).isNotEmpty();
            }
        }
        assertThat(Invoices.Status.of(Charge.ChargeStatus.RECEIVED)).isEqualTo(Invoices.Status.PAID);
        assertThat(Invoices.Status.of(Charge.ChargeStatus.CANCELED)).isEqualTo(Invoices.Status.VOID);
    }

    @Test
    void statusesAreStoredAndShownAsTheLowerCaseStringsTheyWere() {
        assertThat(Invoices.Status.VOID.wire()).isEqualTo("void");
        assertThat(Subscriptions.Status.PAST_DUE.wire()).isEqualTo("past_due");
        assertThat(Subscriptions.Status.PAST_DUE.sql()).isEqualTo("'past_due'");
    }

    @Test
    void aStatusWrittenByANewerReplicaReadsAsUnknownInsteadOfFailing() {
        assertThat(Invoices.Status.read("refunded")).isEqualTo(Invoices.Status.REFUNDED);
        assertThat(Invoices.Status.read("disputed")).isNull();
        assertThat(Invoices.Status.read(null)).isNull();
        assertThat(Subscriptions.Status.read("past_due")).isEqualTo(Subscriptions.Status.PAST_DUE);
        assertThat(Subscriptions.Status.read("paused")).isNull();
    }

    @Test
    void aRecordWithAnUnknownStatusKeepsItAndIsInNoKnownStatus() {
        var sub = new Subscriptions.Subscription("sub_1", "t", "p", "paused", null, null, null, null, null, null,
                null, 1, null, null);
        assertThat(sub.status()).isEqualTo("paused");
        assertThat(sub.live()).isTrue();
        for (Subscriptions.Status s : Subscriptions.Status.values()) {
            assertThat(sub.is(s)).isFalse();
        }
        var inv = new Invoices.Invoice("inv_1", "t", "sub_1", null, null, "paid", "BRL", 0, 0, 0, null, null, null,
                null, null, null);
        assertThat(inv.is(Invoices.Status.PAID)).isTrue();
        assertThat(inv.is(Invoices.Status.OPEN)).isFalse();
    }
}
