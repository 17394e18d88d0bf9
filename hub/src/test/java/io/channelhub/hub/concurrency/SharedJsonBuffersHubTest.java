package io.channelhub.hub.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestDatabase;
import org.junit.jupiter.api.Test;

/** The mapper every resource, Jersey's JSON provider and the SSE writer use borrows from the shared pool. */
class SharedJsonBuffersHubTest extends HubIntegrationTest {

    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }

    @Test
    void theHubsMapperBorrowsFromTheSharedPool() {
        assertThat(hub.environment().getObjectMapper().getFactory()._getRecyclerPool())
                .isSameAs(SharedJsonBuffers.POOL);
    }
}
