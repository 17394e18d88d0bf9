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

    @Test
    void aHandleClosedInsideATransactionRollsItBack() throws Exception {
        Handle h = jdbi.open();
        h.begin();
        h.execute("INSERT INTO tx_probe (id) VALUES (1)");
        assertThatThrownBy(h::close).isInstanceOf(TransactionException.class);
        assertThat(rowsSeenByAnother()).isZero();
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
    void onlyMariaDbAndMySqlDriversGetTheHandler() {
        assertThat(Transactions.explicitBegin("org.mariadb.jdbc.Driver")).isTrue();
        assertThat(Transactions.explicitBegin("com.mysql.cj.jdbc.Driver")).isTrue();
        assertThat(Transactions.explicitBegin("org.h2.Driver")).isFalse();
        assertThat(Transactions.explicitBegin(null)).isFalse();
    }
}
