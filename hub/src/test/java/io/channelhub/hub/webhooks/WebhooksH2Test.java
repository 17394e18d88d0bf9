package io.channelhub.hub.webhooks;

import io.channelhub.hub.support.TestDatabase;

class WebhooksH2Test extends WebhooksContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
