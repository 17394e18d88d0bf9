package io.channelhub.hub.channels;

import io.channelhub.hub.support.TestDatabase;

class ChannelInstancesH2Test extends ChannelInstancesContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
