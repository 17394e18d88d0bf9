package io.channelhub.hub.channels;

import io.channelhub.hub.support.TestDatabase;

class WebChannelMariaDbTest extends WebChannelContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
