package io.channelhub.hub.channels;

import io.channelhub.hub.support.TestDatabase;

class ChannelInstancesMariaDbTest extends ChannelInstancesContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
