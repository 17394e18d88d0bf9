package io.channelhub.hub.persistence;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * A table of durable work (the inbox, the outbox, billing events) shared by every replica: a row is taken with a
 * lease, a compare-and-set on {@code locked_until}, so exactly one replica works on it at a time, and a replica that
 * dies lets its lease run out for another to take the row over. What makes a row ready, what a claim also sets and
 * the order rows are taken in are the table's; the lease is the same for all.
 *
 * <p>Rows are due when ready and not leased: {@code locked_until} is null or past. A claim's extra assignments run
 * in the same statement (the outbox marks the row {@code delivering}; the inbox counts the attempt).
 */
public final class WorkQueue {

    private final Jdbi jdbi;
    private final String table;
    private final String ready;
    private final String claimAlso;
    private final String order;

    /**
     * {@code ready}: SQL condition (may use {@code :now}) of a row that has work left; {@code claimAlso}: extra
     * assignments of a claim ({@code ""} for none, else starting with a comma); {@code order}: the ORDER BY columns.
     * They are fixed by the caller's code, never taken from input.
     */
    public WorkQueue(Jdbi jdbi, String table, String ready, String claimAlso, String order) {
        this.jdbi = jdbi;
        this.table = table;
        this.ready = ready;
        this.claimAlso = claimAlso;
        this.order = order;
    }

    private String due() {
        return "(" + ready + ") AND (locked_until IS NULL OR locked_until < :now)";
    }

    /** Ids of rows due now, in the queue's order. */
    public <K> List<K> due(Instant now, int limit, Class<K> idType) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM " + table + " WHERE " + due() + " ORDER BY "
                        + order + " LIMIT :n").bind("now", now).bind("n", limit).mapTo(idType).list());
    }

    /** The rows with work left (leased or not) and when the oldest arrived, by the queue's order column. */
    public record Backlog(long rows, Instant oldest) {
    }

    /** What waits in the table now: for the backlog gauges (one indexed count a scrape). */
    public Backlog backlog(Instant now) {
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT COUNT(*), MIN(" + order + ") FROM " + table + " WHERE " + ready);
            if (ready.contains(":now")) {
                q.bind("now", now);
            }
            return q.map((rs, ctx) -> new Backlog(rs.getLong(1), ctx.findColumnMapperFor(Instant.class)
                    .orElseThrow().map(rs, 2, ctx))).one();
        });
    }

    /** Leases a due row to the caller until {@code until}; false when another replica holds it or it is done. */
    public boolean claim(Object id, Instant now, Instant until) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE " + table + " SET locked_until = :until" + claimAlso
                        + " WHERE id = :id AND " + due())
                .bind("until", until).bind("id", id).bind("now", now).execute()) == 1;
    }
}
