package io.channelhub.hub.persistence;

import java.sql.Connection;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Applies the changelogs at start-up, with the same changelog path as the {@code db migrate} command so both
 * record the same changeset identities. Liquibase's lock table serialises replicas starting together.
 */
public final class StartupMigrations {

    public static final String CHANGELOG = "migrations/changelog.xml";

    private StartupMigrations() {
    }

    @SuppressWarnings("deprecation") // the Liquibase facade remains the simplest embedded API in 4.x
    public static void apply(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            Database db = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            try (Liquibase liquibase = new Liquibase(CHANGELOG,
                    new ClassLoaderResourceAccessor(StartupMigrations.class.getClassLoader()), db)) {
                // Liquibase prints its update summary to standard output, beside the hub's JSON log lines: the
                // summary and its messages go through the log (and its layout) instead.
                liquibase.setShowSummaryOutput(UpdateSummaryOutputEnum.LOG);
                Scope.child(Scope.Attr.ui.name(), new LoggerUIService(),
                        () -> liquibase.update(new Contexts(), new LabelExpression()));
            }
        }
    }
}
