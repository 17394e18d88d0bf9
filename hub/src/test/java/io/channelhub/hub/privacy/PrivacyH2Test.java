package io.channelhub.hub.privacy;

import io.channelhub.hub.support.TestDatabase;

class PrivacyH2Test extends PrivacyContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
