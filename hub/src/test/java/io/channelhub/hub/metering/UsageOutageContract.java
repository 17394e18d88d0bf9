package io.channelhub.hub.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.channelhub.hub.support.TcpProxy;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The database goes away while requests keep being answered (the hub reaches it through a relay the test cuts):
 * every answered request's {@code api.requests} row is in the database once it is back.
 */
abstract class UsageOutageContract {

    protected abstract TestDatabase.Kind database();

    private static long apiRows(TestDatabase db, String tenant) throws Exception {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM "
                + "usage_events WHERE tenant_id = ? AND usage_type = 'api.requests'")) {
            s.setString(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long segments(Path spool) throws java.io.IOException {
        try (var files = Files.list(spool)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".spool")).count();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void everyAnsweredRequestIsBilledAfterADatabaseOutage() throws Exception {
        TestDatabase db = TestDatabase.create(database());
        org.h2.tools.Server h2 = null;
        String target = TestDatabase.MARIADB_HOST;
        if (database() == TestDatabase.Kind.H2) {
            int port = freePort();
            // The embedded engine has no network of its own: its TCP server serves this JVM's in-memory database.
            h2 = org.h2.tools.Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
            target = "127.0.0.1:" + port;
        }
        Path plugins = Files.createTempDirectory("plugins");
        try (TcpProxy proxy = TcpProxy.to(target);
             TestHub hub = TestHub.replica(db.reachedAt("127.0.0.1:" + proxy.port()), plugins,
                     // Small files, so that the outage fills several: each is written and deleted on its own.
                     io.dropwizard.testing.ConfigOverride.config("usage.maxSegmentSize", "2KiB"))) {
            Path spool = hub.app().ledger().spoolDirectory();
            String tenant = hub.createTenant("outage");
            String key = hub.createKey(tenant, "admin").get("key").asText();
            long answered = 0;
            for (int i = 0; i < 20; i++) {
                TestHub.check(hub.get(key, "/v1/me"), 200);
                answered++;
            }
            long before = answered;
            await().atMost(Duration.ofSeconds(30)).until(() -> apiRows(db, tenant) == before);

            proxy.cut();
            for (int i = 0; i < 50; i++) {
                TestHub.check(hub.get(key, "/v1/me"), 200);
                answered++;
            }
            assertThat(apiRows(db, tenant)).as("the outage is real: nothing reaches the database").isEqualTo(before);
            await().atMost(Duration.ofSeconds(5)).until(() -> segments(spool) > 2);
            assertThat(hub.app().ledger().spoolBytes()).isGreaterThan(2048);

            proxy.restore();
            long all = answered;
            await().atMost(Duration.ofSeconds(90)).until(() -> apiRows(db, tenant) == all);
            assertThat(hub.app().ledger().lostRows(io.channelhub.hub.metering.UsageLedger.Loss.REJECTED)).isZero();
            assertThat(hub.app().ledger().lostRows(io.channelhub.hub.metering.UsageLedger.Loss.UNREADABLE)).isZero();
            // Every file of the outage is gone once written; only the live segment stays.
            await().atMost(Duration.ofSeconds(10)).until(() -> segments(spool) <= 1);
        } finally {
            db.close();
            if (h2 != null) {
                h2.stop();
            }
        }
    }
}
