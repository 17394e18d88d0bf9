package io.channelhub.hub.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleListener;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.junit.jupiter.api.Test;

/**
 * The database work of one chat turn, counted on the thread that serves it: statements, connections and commits. Every
 * statement is a round trip on a real database, so the counts are what a turn costs there; a change that adds one
 * shows up here (and the breakdown says which).
 */
class StatementsPerTurnTest extends HubIntegrationTest {

    /**
     * H2, warm caches, no quotas, no Idempotency-Key: two message inserts, two usage inserts, one conversation touch
     * (the reply's commit sets the last-message time for both messages; it was two), the conversation, and the
     * history window (which says which messages carry files, so their query runs
     * only when one does; it was a ninth statement and a fifth connection on every turn). Two commits: the user's
     * message with its usage, the reply with its usage. Lower them as the turn gets leaner; never raise them silently.
     */
    static final int MAX_STATEMENTS_PER_TURN = 7;
    static final int MAX_CONNECTIONS_PER_TURN = 4;
    static final int MAX_COMMITS_PER_TURN = 2;
    /**
     * A completion: none on its thread. Its usage (the call and its tokens) goes to the ledger's spool, committed by
     * the background writer with other requests' rows; the agent comes from the cache.
     */
    static final int MAX_STATEMENTS_PER_COMPLETION = 0;
    /** A cached key, tenant or agent may be read again once while the turns run. */
    static final int REFRESHES = 3;

    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }

    /** What the requests on matching threads did to the database. */
    private record Counted(Map<String, Integer> statements, int connections, int commits) {
        int total() {
            return statements.values().stream().mapToInt(Integer::intValue).sum();
        }

        String report(int requests) {
            StringBuilder r = new StringBuilder("statements in " + requests + " requests: " + total()
                    + ", connections: " + connections + ", commits: " + commits + "\n");
            statements.forEach((k, v) -> r.append(String.format("%5d  %s%n", v, k)));
            return r.toString();
        }
    }

    /** Runs {@code work} and counts the database work of the threads serving {@code route} requests. */
    private Counted count(String route, Runnable work) {
        Map<String, AtomicInteger> statements = new ConcurrentHashMap<>();
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger commits = new AtomicInteger();
        var jdbi = hub.app().jdbi();
        TransactionHandler transactions = jdbi.getTransactionHandler();
        jdbi.setTransactionHandler(new DelegatingTransactionHandler(transactions) {
            @Override
            public void commit(Handle handle) {
                if (serving(route)) {
                    commits.incrementAndGet();
                }
                super.commit(handle);
            }
        });
        SqlLogger before = jdbi.getConfig(org.jdbi.v3.core.statement.SqlStatements.class).getSqlLogger();
        SqlLogger counter = new SqlLogger() {
            @Override
            public void logAfterExecution(StatementContext ctx) {
                if (serving(route)) {
                    statements.computeIfAbsent(shape(ctx.getRenderedSql()), k -> new AtomicInteger())
                            .incrementAndGet();
                    try {
                        // A write outside a transaction commits on its own.
                        if (ctx.getConnection().getAutoCommit()
                                && !ctx.getRenderedSql().stripLeading().toUpperCase().startsWith("SELECT")) {
                            commits.incrementAndGet();
                        }
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
        HandleListener handles = new HandleListener() {
            @Override
            public void handleCreated(Handle handle) {
                if (serving(route)) {
                    connections.incrementAndGet();
                }
            }
        };
        jdbi.getConfig(org.jdbi.v3.core.statement.SqlStatements.class).setSqlLogger(counter);
        jdbi.getConfig(Handles.class).addListener(handles);
        try {
            work.run();
        } finally {
            jdbi.getConfig(org.jdbi.v3.core.statement.SqlStatements.class).setSqlLogger(before);
            jdbi.getConfig(Handles.class).removeListener(handles);
            jdbi.setTransactionHandler(transactions);
        }
        Map<String, Integer> perKind = new TreeMap<>();
        statements.forEach((k, v) -> perKind.put(k, v.get()));
        return new Counted(perKind, connections.get(), commits.get());
    }

    /** Turns counted in each case. */
    private static final int TURNS = 10;

    /**
     * A new tenant with an admin key, an agent and a conversation ({@code setUp} first runs on the tenant's id), five
     * turns to warm the caches of keys, tenants, agents and quotas, then {@link #TURNS} turns counted.
     */
    private Counted countedTurns(String prefix, java.util.function.Consumer<String> setUp) {
        String tenant = hub.createTenant(prefix + System.nanoTime() % 100000);
        String key = hub.createKey(tenant, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "counter", "name", "Counter")), 201);
        setUp.accept(tenant);
        String conv = TestHub.check(hub.post(key, "/v1/conversations", Map.of("end_user_id", "u-1")), 201).json()
                .get("id").asText();
        String path = "/v1/conversations/" + conv + "/messages";
        for (int i = 0; i < 5; i++) {
            TestHub.check(hub.post(key, path, Map.of("content", "warm " + i)), 201);
        }
        return count("/messages", () -> {
            for (int i = 0; i < TURNS; i++) {
                TestHub.check(hub.post(key, path, Map.of("content", "count " + i)), 201);
            }
        });
    }

    @Test
    void aChatTurnsStatementsConnectionsAndCommitsAreCounted() {
        int turns = TURNS;
        Counted c = countedTurns("spt-", tenant -> { });
        String report = c.report(turns);
        System.out.println(report);
        assertThat(c.total()).as(report).isLessThanOrEqualTo(MAX_STATEMENTS_PER_TURN * turns + REFRESHES);
        assertThat(c.connections()).as(report).isLessThanOrEqualTo(MAX_CONNECTIONS_PER_TURN * turns + REFRESHES);
        assertThat(c.commits()).as(report).isLessThanOrEqualTo(MAX_COMMITS_PER_TURN * turns);
    }

    /**
     * A stateless completion under a hard quota on conversation messages (as most tenants have): no commit of its
     * own (its usage is spooled), and no sum over the ledger for the messages quota it has nothing to do with
     * (that sum grew with every call and made completions three times dearer over a benchmark run).
     */
    @Test
    void aCompletionTouchesOnlyItsOwnQuotasAndCommitsNothingOnItsThread() {
        String tenant = hub.createTenant("spc-" + System.nanoTime() % 100000);
        String key = hub.createKey(tenant, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "counter", "name", "Counter")), 201);
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + tenant + "/quotas", Map.of("usage_type",
                "messages.in", "period", "monthly", "limit", 1_000_000, "mode", "hard")), 201);
        Map<String, Object> body = Map.of("model", "counter", "messages", java.util.List.of(Map.of("role", "user",
                "content", "Oi")));
        for (int i = 0; i < 5; i++) {
            TestHub.check(hub.post(key, "/v1/chat/completions", body), 200);
        }
        int calls = 10;
        Counted c = count("/v1/chat/completions", () -> {
            for (int i = 0; i < calls; i++) {
                TestHub.check(hub.post(key, "/v1/chat/completions", body), 200);
            }
        });
        String report = c.report(calls);
        System.out.println(report);
        assertThat(c.statements().keySet()).as(report).noneMatch(sql -> sql.contains("SUM("));
        assertThat(c.total()).as(report).isLessThanOrEqualTo(MAX_STATEMENTS_PER_COMPLETION * calls + REFRESHES);
        assertThat(c.commits()).as(report).isLessThanOrEqualTo(MAX_STATEMENTS_PER_COMPLETION * calls);
    }

    /**
     * A tenant with soft quotas on a turn's usage (notices at thresholds, nothing refused): the thresholds are read
     * from the quotas' counters, not from a sum over the period's ledger after every turn (that sum grew with the
     * tenant's usage all month). The counters are seeded once, before the counted turns.
     */
    @Test
    void softQuotaThresholdsReadCountersNotTheLedger() {
        int turns = TURNS;
        Counted c = countedTurns("sps-", tenant -> {
            for (String type : java.util.List.of("messages.in", "messages.out")) {
                TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + tenant + "/quotas", Map.of("usage_type",
                        type, "period", "monthly", "limit", 1_000_000, "mode", "soft")), 201);
            }
        });
        String report = c.report(turns);
        assertThat(c.statements().keySet()).as(report).noneMatch(sql -> sql.contains("SUM("));
        assertThat(c.total()).as(report).isLessThanOrEqualTo(MAX_STATEMENTS_PER_TURN * turns + REFRESHES);
    }

    /**
     * Jdbi caches a statement's parsed template only when its template engine parses (Dropwizard's auto-comment
     * wrapper does not, and every execution lexed its SQL again with ANTLR).
     */
    @Test
    void statementTemplatesAreParsedOnceAndCached() {
        var engine = hub.app().jdbi().getConfig(org.jdbi.v3.core.statement.SqlStatements.class).getTemplateEngine();
        assertThat(engine).isInstanceOf(org.jdbi.v3.core.statement.TemplateEngine.Parsing.class);
    }

    /** Dropwizard names a request's thread after its request line. */
    private static boolean serving(String route) {
        String name = Thread.currentThread().getName();
        return name.startsWith("dw-") && name.contains("POST /") && name.contains(route);
    }

    /** The statement without its literals: one line of the breakdown per kind of statement. */
    private static String shape(String sql) {
        String s = sql.replaceAll("\\s+", " ").trim();
        return s.length() > 90 ? s.substring(0, 90) : s;
    }
}
