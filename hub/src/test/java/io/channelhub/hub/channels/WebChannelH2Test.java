package io.channelhub.hub.channels;

import io.channelhub.hub.support.TestDatabase;

class WebChannelH2Test extends WebChannelContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
