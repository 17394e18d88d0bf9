package io.channelhub.hub.it;

import io.channelhub.hub.support.TestDatabase;

class WhatsAppH2Test extends WhatsAppContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
