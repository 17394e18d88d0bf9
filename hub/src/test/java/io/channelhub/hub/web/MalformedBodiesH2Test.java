package io.channelhub.hub.web;

import io.channelhub.hub.support.TestDatabase;

class MalformedBodiesH2Test extends MalformedBodiesContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
