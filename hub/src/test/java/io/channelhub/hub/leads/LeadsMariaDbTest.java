package io.channelhub.hub.leads;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.MariaDbStatus;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class LeadsMariaDbTest extends LeadsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }

    /**
     * The console asks for the board every few seconds: a page reads about its own rows through an index in the
     * board's order, not all of the tenant's leads to sort them (it read every one, 5,000 here, on each request).
     */
    @Test
    void aPageOfTheBoardReadsItsRowsNotTheTenantsLeads() throws SQLException {
        int leads = 5_000;
        String tenant = hub.createTenant(slug("big-board"));
        String key = hub.createKey(tenant, "admin").get("key").asText();
        seedLeads(tenant, "m" + System.nanoTime() % 100000, leads);
        try (Connection c = hub.database().connect()) {
            for (String query : java.util.List.of("?limit=50", "?stage=qualified&limit=50")) {
                // A warm-up request reads the tenant, its key and its plugins once; the counted one reads the page.
                TestHub.check(hub.get(key, "/v1/leads" + query), 200);
                long before = MariaDbStatus.rowsRead(c);
                var page = TestHub.check(hub.get(key, "/v1/leads" + query), 200).json();
                long read = MariaDbStatus.rowsRead(c) - before;
                assertThat(page.get("data")).hasSize(50);
                String next = page.get("next_cursor").asText();
                before = MariaDbStatus.rowsRead(c);
                assertThat(TestHub.check(hub.get(key, "/v1/leads" + query + "&after=" + next), 200).json()
                        .get("data")).hasSize(50);
                long nextRead = MariaDbStatus.rowsRead(c) - before;
                assertThat(read).as("rows read for a page of %s, with %d leads", query, leads).isLessThan(leads / 10);
                assertThat(nextRead).as("rows read for the next page of %s", query).isLessThan(leads / 10);
            }
        }
    }
}
