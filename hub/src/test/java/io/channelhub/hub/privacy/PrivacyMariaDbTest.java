package io.channelhub.hub.privacy;

import io.channelhub.hub.support.TestDatabase;

class PrivacyMariaDbTest extends PrivacyContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
