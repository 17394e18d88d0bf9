package io.channelhub.hub.channels;

import io.channelhub.hub.support.TestDatabase;

class WhatsAppH2Test extends WhatsAppContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
