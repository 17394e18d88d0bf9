package io.channelhub.hub.metering;

import io.channelhub.hub.support.TestDatabase;

/** The embedded default: H2 and in-process quota counters. */
class PluginUsageH2Test extends PluginUsageContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
