package io.channelhub.plugins.leads;

import io.channelhub.plugin.testing.TurnObserverContract;
import io.channelhub.plugin.turn.TurnObserver;

/** The hub's expectations of every turn observer, for {@link BuyingIntent}. */
class BuyingIntentContractTest extends TurnObserverContract {

    @Override
    protected TurnObserver observer() {
        return new BuyingIntent();
    }

    @Override
    protected String userSays() {
        return "We want to buy 20 seats; my name is Ana Souza, ana@acme.example";
    }
}
