package io.channelhub.hub.it;

import io.channelhub.hub.support.TestDatabase;

class PrivacyH2Test extends PrivacyContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
