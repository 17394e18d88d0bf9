package io.channelhub.hub.console;

import io.channelhub.hub.support.TestDatabase;

class ConsoleH2Test extends ConsoleContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
