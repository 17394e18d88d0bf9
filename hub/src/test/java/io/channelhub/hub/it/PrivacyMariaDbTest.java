package io.channelhub.hub.it;

import io.channelhub.hub.support.TestDatabase;

class PrivacyMariaDbTest extends PrivacyContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
