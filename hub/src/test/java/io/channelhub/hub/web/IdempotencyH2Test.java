package io.channelhub.hub.web;

import io.channelhub.hub.support.TestDatabase;

class IdempotencyH2Test extends IdempotencyContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
