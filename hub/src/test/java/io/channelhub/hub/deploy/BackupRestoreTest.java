package io.channelhub.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The disaster-recovery drill of docs/disaster-recovery.md, on the machine's MariaDB: back up a hub's database with
 * the shipped script, destroy the database, restore it with the shipped script, and compare every table's row count
 * and checksum with what was there; a damaged backup is refused; a tenant export holds that tenant only.
 */
class BackupRestoreTest {

    static final Path SCRIPTS = Path.of(System.getProperty("channelhub.root", "..")).resolve("hub/src/main/scripts");

    record Run(int exit, String output) {
    }

    static Run run(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        String[] hostPort = TestDatabase.MARIADB_HOST.split(":");
        pb.environment().putAll(Map.of("DB_HOST", hostPort[0], "DB_PORT", hostPort.length > 1 ? hostPort[1] : "3306",
                "DB_USER", TestDatabase.MARIADB_USER, "MYSQL_PWD", TestDatabase.MARIADB_PASSWORD,
                "BACKUP_DIR", dir.toString()));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("finished: " + out).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** Row count and CHECKSUM TABLE of every table, read over JDBC (not by the scripts under test). */
    static Map<String, String> fingerprint(TestDatabase db) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                long count;
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM `" + t + "`")) {
                    rs.next();
                    count = rs.getLong(1);
                }
                try (ResultSet rs = s.executeQuery("CHECKSUM TABLE `" + t + "`")) {
                    rs.next();
                    out.put(t, count + "/" + rs.getLong(2));
                }
            }
        }
        return out;
    }

    @Test
    void aBackupIsRestoredAfterTheDatabaseIsDestroyedWithEveryTableEqual() throws Exception {
        Path plugins = Files.createTempDirectory("plugins");
        TestPlugins.testChannel(plugins);
        Path dir = Files.createTempDirectory("backups");
        TestDatabase db = TestDatabase.create(TestDatabase.Kind.MARIADB);
        String dbName = db.url().substring(db.url().lastIndexOf('/') + 1);
        String a;
        String b;
        try (TestHub hub = TestHub.replica(db, plugins)) {
            a = hub.createTenant("dr-alpha-" + System.nanoTime() % 100_000);
            b = hub.createTenant("dr-bravo-" + System.nanoTime() % 100_000);
            String key = hub.createKey(a, "admin").get("key").asText();
            TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "atendente", "name", "A")), 201);
            String conv = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
            for (int i = 0; i < 3; i++) {
                TestHub.check(hub.post(key, "/v1/conversations/" + conv + "/messages", Map.of("content",
                        "mensagem " + i + " com acentuação")), 201);
            }
            hub.createKey(b, "viewer");
        }
        try {
            Map<String, String> before = fingerprint(db);
            assertThat(before.get("messages")).startsWith("6/");

            // The backup runs while a writer keeps inserting, as production's nightly job does: the restore must
            // still prove the copy, against the snapshot the dump saw.
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE drill_writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) NOT NULL)");
            }
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            Thread writer = new Thread(() -> {
                try (Connection c = db.connect(); var insert = c.prepareStatement(
                        "INSERT INTO drill_writes (v) VALUES (?)")) {
                    while (writing.get()) {
                        insert.setString(1, "row " + written.get() + " escrita durante o backup");
                        insert.executeUpdate();
                        written.incrementAndGet();
                    }
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, "drill-writer");
            writer.start();
            org.awaitility.Awaitility.await().until(() -> written.get() > 50);
            long atStart = written.get();
            Run backup = run(dir, Map.of("DB_NAME", dbName), "bash", SCRIPTS.resolve("backup-mariadb.sh").toString());
            long atEnd = written.get();
            writing.set(false);
            writer.join();
            assertThat(atEnd).as("rows were written while the backup ran").isGreaterThan(atStart);
            before.put("drill_writes", "written meanwhile");
            assertThat(backup.exit()).as(backup.output()).isZero();
            Path file = Path.of(backup.output().strip().lines().reduce((x, y) -> y).orElseThrow());
            assertThat(file).exists();
            assertThat(Path.of(file.toString().replace(".sql.gz", ".manifest"))).content()
                    .contains("messages\t6\t");

            try (Connection c = java.sql.DriverManager.getConnection("jdbc:mariadb://" + TestDatabase.MARIADB_HOST
                    + "/", TestDatabase.MARIADB_USER, TestDatabase.MARIADB_PASSWORD); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE " + dbName);
            }
            Run restore = run(dir, Map.of(), "bash", SCRIPTS.resolve("restore-mariadb.sh").toString(), file.toString());
            assertThat(restore.exit()).as(restore.output()).isZero();
            assertThat(restore.output()).contains("every table matches");
            Map<String, String> after = fingerprint(db);
            long restoredRows = Long.parseLong(after.get("drill_writes").split("/")[0]);
            assertThat(restoredRows).as("the snapshot lies within the backup's run")
                    .isBetween(atStart, atEnd);
            assertThat(Files.readString(Path.of(file.toString().replace(".sql.gz", ".manifest"))))
                    .contains("drill_writes\t" + restoredRows + "\t");
            after.put("drill_writes", "written meanwhile");
            assertThat(after).isEqualTo(before);

            // A restore that lost a row is caught, naming the table.
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM drill_writes ORDER BY id DESC LIMIT 1");
            }
            Path again = Files.createTempFile(dir, "manifest", ".tsv");
            Run verify = run(dir, Map.of("DB_NAME", dbName), "bash", "-c", "mariadb-dump --protocol=tcp -h \"$DB_HOST\""
                    + " -P \"$DB_PORT\" -u \"$DB_USER\" --single-transaction --skip-extended-insert --order-by-primary"
                    + " --hex-blob --skip-dump-date --default-character-set=utf8mb4 \"$DB_NAME\" | bash "
                    + SCRIPTS.resolve("dump-manifest.sh") + " > " + again);
            assertThat(verify.exit()).as(verify.output()).isZero();
            assertThat(Files.readString(again)).contains("drill_writes\t" + (restoredRows - 1) + "\t");

            // A damaged file is refused before anything is restored.
            Path damaged = dir.resolve("damaged").resolve(file.getFileName());
            Files.createDirectories(damaged.getParent());
            for (String ext : List.of(".sql.gz", ".manifest", ".sha256")) {
                Files.copy(Path.of(file.toString().replace(".sql.gz", ext)),
                        Path.of(damaged.toString().replace(".sql.gz", ext)));
            }
            Files.write(damaged, new byte[] {0}, StandardOpenOption.APPEND);
            Run refused = run(dir, Map.of("DB_NAME", dbName + "_x"), "bash",
                    SCRIPTS.resolve("restore-mariadb.sh").toString(), damaged.toString());
            assertThat(refused.exit()).isNotZero();

            Run export = run(dir, Map.of("DB_NAME", dbName), "bash", SCRIPTS.resolve("export-tenant.sh").toString(), a);
            assertThat(export.exit()).as(export.output()).isZero();
            Path tenantFile = Path.of(export.output().strip().lines().reduce((x, y) -> y).orElseThrow());
            String sql = new String(new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(tenantFile)))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sql).contains(a).contains("mensagem 2 com acentuação").doesNotContain(b);
            assertThat(run(dir, Map.of("DB_NAME", dbName), "bash", SCRIPTS.resolve("export-tenant.sh").toString(),
                    "x'; DROP TABLE tenants; --").exit()).as("a tenant id is checked").isEqualTo(2);
        } finally {
            db.close();
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
