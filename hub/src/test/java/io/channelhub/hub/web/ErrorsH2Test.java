package io.channelhub.hub.web;

import io.channelhub.hub.support.TestDatabase;

class ErrorsH2Test extends ErrorsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
