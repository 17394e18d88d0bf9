package io.channelhub.hub.webhooks;

import io.channelhub.hub.support.TestDatabase;

class WebhooksMariaDbTest extends WebhooksContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
