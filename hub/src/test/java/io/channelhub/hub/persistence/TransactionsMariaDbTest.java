package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.hub.support.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's transactions on a real MariaDB: begun with {@code START TRANSACTION} instead of two auto-commit switches,
 * and still transactions (invisible to others until committed, undone on failure, savepoints), with the connection
 * left in auto-commit whatever happened.
 */
class TransactionsMariaDbTest {

    private static TestDatabase db;
    private static Jdbi jdbi;

    @BeforeAll
    static void setUp() throws Exception {
        db = TestDatabase.create(TestDatabase.Kind.MARIADB);
        jdbi = Jdbi.create(db.dataSource());
        Transactions.install(jdbi, db.driver());
        jdbi.useHandle(h -> h.execute("CREATE TABLE tx_probe (id INT PRIMARY KEY) ENGINE=InnoDB"));
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @BeforeEach
    void empty() {
        jdbi.useHandle(h -> h.execute("DELETE FROM tx_probe"));
    }

    /** What this session has sent the server, by kind (the server's own counters for the connection). */
    private static Map<String, Long> sent(Handle h) {
        Map<String, Long> out = new HashMap<>();
        h.createQuery("SHOW SESSION STATUS WHERE Variable_name IN ('Com_set_option', 'Com_begin', 'Com_commit', "
                        + "'Com_rollback', 'Com_insert')")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String key) {
        return after.get(key) - before.get(key);
    }

    private static int rowsSeenByAnother() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM tx_probe")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aTransactionIsStartedAndCommittedWithoutSwitchingAutoCommit() {
        try (Handle h = jdbi.open()) {
            Map<String, Long> before = sent(h);
            h.useTransaction(t -> {
                t.execute("INSERT INTO tx_probe (id) VALUES (1)");
                t.execute("INSERT INTO tx_probe (id) VALUES (2)");
            });
            Map<String, Long> after = sent(h);
            assertThat(delta(before, after, "Com_set_option")).isZero();
            assertThat(delta(before, after, "Com_begin")).isEqualTo(1);
            assertThat(delta(before, after, "Com_commit")).isEqualTo(1);
            assertThat(delta(before, after, "Com_insert")).isEqualTo(2);
            assertThat(h.getConnection()).satisfies(c -> assertThat(c.getAutoCommit()).isTrue());
            assertThat(h.isInTransaction()).isFalse();
        }
    }

    @Test
    void jdbisOwnHandlerSwitchesAutoCommitTwiceForTheSameTransaction() {
        // Why the handler exists: the same work through Jdbi's default sends two more statements.
        Jdbi plain = Jdbi.create(() -> db.connect());
        try (Handle h = plain.open()) {
            Map<String, Long> before = sent(h);
            h.useTransaction(t -> t.execute("INSERT INTO tx_probe (id) VALUES (3)"));
            assertThat(delta(before, sent(h), "Com_set_option")).isEqualTo(2);
        }
    }

    @Test
    void workInsideATransactionIsUnseenUntilItCommits() throws Exception {
        int[] seenInside = new int[1];
        jdbi.useTransaction(h -> {
            h.execute("INSERT INTO tx_probe (id) VALUES (1)");
            assertThat(h.isInTransaction()).isTrue();
            seenInside[0] = rowsSeenByAnother();
        });
        assertThat(seenInside[0]).isZero();
        assertThat(rowsSeenByAnother()).isEqualTo(1);
    }

    @Test
    void aFailureUndoesTheWorkAndLeavesTheConnectionCommittingEachStatement() throws Exception {
        try (Handle h = jdbi.open()) {
            assertThatThrownBy(() -> h.useTransaction(t -> {
                t.execute("INSERT INTO tx_probe (id) VALUES (1)");
                throw new IllegalStateException("the turn failed");
            })).hasMessage("the turn failed");
            assertThat(rowsSeenByAnother()).isZero();
            assertThat(h.isInTransaction()).isFalse();
            // Outside a transaction again: a statement commits on its own.
            h.execute("INSERT INTO tx_probe (id) VALUES (2)");
            assertThat(rowsSeenByAnother()).isEqualTo(1);
        }
    }

    @Test
    void aFailedStatementInsideRollsBackEverythingBeforeIt() throws Exception {
        jdbi.useHandle(h -> h.execute("INSERT INTO tx_probe (id) VALUES (9)"));
        assertThatThrownBy(() -> jdbi.useTransaction(h -> {
            h.execute("INSERT INTO tx_probe (id) VALUES (1)");
            h.execute("INSERT INTO tx_probe (id) VALUES (9)");
        })).isNotNull();
        assertThat(rowsSeenByAnother()).isEqualTo(1);
    }

    /** One physical connection that outlives its handles, as a pooled one does (a handle's close does not close it). */
    private static Connection kept(Connection real) {
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, m, args) -> {
                    if (m.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static boolean serverTransactionOpen(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@in_transaction")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    @Test
    void aHandleClosedInsideATransactionRollsItBackAndTheConnectionIsCleanForTheNextOne() throws Exception {
        try (Connection physical = db.connect()) {
            Jdbi one = Jdbi.create(() -> kept(physical));
            Transactions.install(one, db.driver());
            Handle h = one.open();
            h.begin();
            h.execute("INSERT INTO tx_probe (id) VALUES (1)");
            assertThatThrownBy(h::close).isInstanceOf(TransactionException.class);
            // The connection, as the pool would hand it to the next handle: no transaction left open on it.
            assertThat(serverTransactionOpen(physical)).isFalse();
            assertThat(physical.getAutoCommit()).isTrue();
            try (Handle next = one.open()) {
                next.execute("INSERT INTO tx_probe (id) VALUES (2)");
            }
            assertThat(rowsSeenByAnother()).isEqualTo(1);
        }
    }

    @Test
    void aTransactionEndedByAnImplicitCommitIsSeenAsEnded() throws Exception {
        try (Handle h = jdbi.open()) {
            h.begin();
            h.execute("INSERT INTO tx_probe (id) VALUES (1)");
            // DDL commits on MariaDB: the handler asks the server instead of remembering that it began.
            h.execute("CREATE TABLE tx_probe_ddl (id INT PRIMARY KEY) ENGINE=InnoDB");
            assertThat(h.isInTransaction()).isFalse();
            assertThat(rowsSeenByAnother()).isEqualTo(1);
            h.execute("DROP TABLE tx_probe_ddl");
        }
    }

    @Test
    void aCallbackMayEndItsTransactionItself() throws Exception {
        String out = jdbi.inTransaction(h -> {
            h.execute("INSERT INTO tx_probe (id) VALUES (1)");
            h.commit();
            return "done";
        });
        assertThat(out).isEqualTo("done");
        assertThat(rowsSeenByAnother()).isEqualTo(1);
    }

    @Test
    void aWrappedHandlerWorksAsTheHandlerItself() throws Exception {
        // Jdbi's own wrappers (and StatementsPerTurnTest's counting one) do not ask for a handle's own instance.
        Jdbi wrapped = Jdbi.create(db.dataSource());
        Transactions.install(wrapped, db.driver());
        wrapped.setTransactionHandler(
                new org.jdbi.v3.core.transaction.DelegatingTransactionHandler(wrapped.getTransactionHandler()));
        wrapped.useTransaction(h -> h.execute("INSERT INTO tx_probe (id) VALUES (1)"));
        assertThat(rowsSeenByAnother()).isEqualTo(1);
    }

    @Test
    void anIsolationLevelHoldsForItsTransactionOnly() {
        try (Handle h = jdbi.open()) {
            String initial = h.createQuery("SELECT @@tx_isolation").mapTo(String.class).one();
            String inside = h.inTransaction(org.jdbi.v3.core.transaction.TransactionIsolationLevel.SERIALIZABLE,
                    t -> t.createQuery("SELECT @@tx_isolation").mapTo(String.class).one());
            assertThat(inside).isEqualTo("SERIALIZABLE");
            assertThat(h.createQuery("SELECT @@tx_isolation").mapTo(String.class).one()).isEqualTo(initial);
        }
    }

    @Test
    void savepointsUndoPartOfATransaction() throws Exception {
        jdbi.useTransaction(h -> {
            h.execute("INSERT INTO tx_probe (id) VALUES (1)");
            h.savepoint("before_second");
            h.execute("INSERT INTO tx_probe (id) VALUES (2)");
            h.rollbackToSavepoint("before_second");
            h.release("before_second");
        });
        java.util.List<Integer> kept = jdbi.withHandle(h -> h.createQuery("SELECT id FROM tx_probe")
                .mapTo(Integer.class).list());
        assertThat(kept).containsExactly(1);
        assertThatThrownBy(() -> jdbi.useTransaction(h -> h.savepoint("x`; DROP TABLE tx_probe; --")))
                .isInstanceOf(TransactionException.class);
        assertThatThrownBy(() -> jdbi.useHandle(h -> h.savepoint("outside")))
                .isInstanceOf(TransactionException.class);
    }

    @Test
    void aSecondBeginInsideATransactionDoesNotCommitTheFirstPart() throws Exception {
        // On MariaDB a second START TRANSACTION commits the open one; the handler must not send it.
        try (Handle h = jdbi.open()) {
            h.begin();
            h.execute("INSERT INTO tx_probe (id) VALUES (1)");
            h.begin();
            assertThat(rowsSeenByAnother()).isZero();
            h.rollback();
        }
        assertThat(rowsSeenByAnother()).isZero();
    }

    @Test
    void onlyTheMariaDbDriverGetsTheHandler() {
        assertThat(Transactions.explicitBegin("org.mariadb.jdbc.Driver")).isTrue();
        assertThat(Transactions.explicitBegin("com.mysql.cj.jdbc.Driver")).isFalse();
        assertThat(Transactions.explicitBegin("org.h2.Driver")).isFalse();
        assertThat(Transactions.explicitBegin(null)).isFalse();
    }
}
