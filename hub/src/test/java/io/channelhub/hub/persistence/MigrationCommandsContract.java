package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.HubApplication;
import io.channelhub.hub.HubConfiguration;
import io.channelhub.hub.support.TestDatabase;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code db status} and {@code db migrate} work from the command line against the configured database. */
abstract class MigrationCommandsContract {

    protected abstract TestDatabase.Kind database();

    @TempDir
    Path dir;

    private String run(Path config, String... args) throws Exception {
        // The db commands keep the System.out of their construction as their report stream.
        PrintStream original = System.out;
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        System.setOut(new PrintStream(report, true, StandardCharsets.UTF_8));
        try {
            runCli(config, args);
        } finally {
            System.setOut(original);
        }
        return report.toString(StandardCharsets.UTF_8);
    }

    private void runCli(Path config, String... args) throws Exception {
        HubApplication app = new HubApplication();
        Bootstrap<HubConfiguration> bootstrap = new Bootstrap<>(app);
        app.initialize(bootstrap);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli cli = new Cli(new JarLocation(getClass()), bootstrap, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = config.toString();
        Optional<Throwable> failure = cli.run(all);
        assertThat(failure).as(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void statusShowsPendingChangesAndMigrateAppliesThem() throws Exception {
        try (TestDatabase db = TestDatabase.create(database())) {
            Path config = dir.resolve("config.yml");
            Files.writeString(config, String.join("\n",
                    "database:",
                    "  driverClass: " + db.driver(),
                    "  url: \"" + db.url() + "\"",
                    "  user: " + db.user(),
                    "  password: \"" + db.password() + "\"",
                    "secrets:",
                    "  key: \"\"",
                    "  keyFile: " + dir.resolve("secrets.key"),
                    ""));
            assertThat(run(config, "db", "status")).containsPattern("\\d+ changesets? ha(s|ve) not been applied");
            run(config, "db", "migrate");
            assertThat(run(config, "db", "status")).contains("is up to date");
            boolean found = false;
            try (Connection c = db.connect(); ResultSet rs = c.getMetaData().getTables(c.getCatalog(),
                    c.getSchema(), "%", null)) {
                while (rs.next()) {
                    found |= "api_keys".equalsIgnoreCase(rs.getString("TABLE_NAME"));
                }
            }
            assertThat(found).as("api_keys created by db migrate").isTrue();
        }
    }
}
