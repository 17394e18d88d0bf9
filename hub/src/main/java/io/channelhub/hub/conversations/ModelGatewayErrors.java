package io.channelhub.hub.conversations;

import io.channelhub.hub.errors.ApiException;
import io.channelhub.plugin.model.ModelException;

/** Maps a failure while reading a stream (after the gateway opened it) the same way the gateway does. */
final class ModelGatewayErrors {

    private ModelGatewayErrors() {
    }

    static ApiException translate(ModelException e) {
        return io.channelhub.hub.llm.ModelGateway.translateForStream(e);
    }
}
