package io.channelhub.hub.limits;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.concurrency.SingleFlight;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.webhooks.Webhooks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quotas per tenant per usage type and period. A hard quota refuses work once its usage reached the limit; a soft
 * one lets it through. Both notify at their thresholds (a {@code quota.threshold} webhook event and an audit
 * entry), once per period and threshold. The ledger is the source of truth for usage and billing.
 *
 * <p>Hard quotas are enforced on {@link QuotaCounters} (Redis when configured, this process otherwise), one counter
 * per tenant, quota and period start, seeded from the ledger when missing. Work reserves the units it will certainly
 * use before it runs (increment-then-check, so exactly {@code limit} units pass however many requests race); usage
 * it cannot know beforehand (tokens) is only checked against the counter first and added when the ledger records
 * it, so such a quota can overshoot by the usage of the work in flight. Everything the ledger records is added to
 * the counters except the units the recording work had reserved (see {@link QuotaReservation}). When the counters
 * cannot be reached, hard quotas are checked against the ledger's sum, as exact as a read-then-act check can be.
 */
public class Quotas {

    public static final List<String> PERIODS = List.of("hourly", "daily", "monthly", "total");
    /** What a usage type looks like: {@code messages.in}, {@code model.completion_tokens}. */
    public static final String USAGE_TYPE = "[a-z][a-z0-9_.]{0,63}";

    private static final Logger LOG = LoggerFactory.getLogger(Quotas.class);
    /** How long a counter outlives its period, so work that reserved just before the end can still give back. */
    private static final Duration COUNTER_GRACE = Duration.ofHours(1);

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Webhooks webhooks;
    private final AuditLog audit;
    private final QuotaCounters counters;
    private final Meter fallback;
    // One line a minute is enough to notice; every turn would flood the log during an outage.
    private final io.channelhub.hub.observability.ThrottledLog counterFailures =
            new io.channelhub.hub.observability.ThrottledLog(LOG, java.time.Duration.ofMinutes(1));
    /** Counters a change could not reach: dropped at their next use, so they are seeded again from the ledger. */
    private final Set<String> stale = ConcurrentHashMap.newKeySet();
    /** Counters being seeded now, each by one turn (see {@link #seedOnce}). */
    private final SingleFlight<String, Boolean> seeding = new SingleFlight<>();
    private final Clock clock;
    private volatile Runnable beforeSeeding = () -> { };
    private final io.channelhub.hub.observability.HubMetrics metrics;

    /** A quota and its use in the current period. */
    public record Quota(String id, String tenantId, String usageType, String period, long limit, String mode,
                        List<Integer> thresholds, Instant createdAt) {
    }

    /** Where a quota stands now. */
    public record Status(Quota quota, Instant periodStart, Instant resetsAt, long used) {
    }

    /** A quota period in UTC; {@code end} is null for {@code total}. */
    record Period(Instant start, Instant end) {
    }

    public Quotas(Jdbi jdbi, ObjectMapper json, Webhooks webhooks, AuditLog audit, QuotaCounters counters,
                  MetricRegistry metricRegistry, Clock clock, io.channelhub.hub.observability.HubMetrics metrics,
                  io.channelhub.hub.persistence.TenantCaches caches) {
        this.cache = caches.create("quotas", (java.util.function.Function<String, String>) t -> t);
        this.metrics = metrics;
        this.jdbi = jdbi;
        this.json = json;
        this.webhooks = webhooks;
        this.audit = audit;
        this.counters = counters;
        this.fallback = metricRegistry.meter("quota.redis-fallback");
        this.clock = clock;
    }

    public Quota create(String tenantId, String usageType, String period, long limit, String mode,
                        List<Integer> thresholds) {
        Map<String, Object> errors = new LinkedHashMap<>();
        if (usageType == null || !usageType.matches(USAGE_TYPE)) {
            errors.put("usage_type", "a usage type such as messages.in or model.completion_tokens");
        }
        if (period == null || !PERIODS.contains(period)) {
            errors.put("period", "one of " + PERIODS);
        }
        if (limit < 0) {
            errors.put("limit", "must not be negative");
        }
        if (!"hard".equals(mode) && !"soft".equals(mode)) {
            errors.put("mode", "hard or soft");
        }
        List<Integer> th = thresholds == null ? List.of(80, 100) : thresholds;
        if (th.stream().anyMatch(p -> p == null || p < 1 || p > 1000)) {
            errors.put("thresholds", "percentages between 1 and 1000");
        }
        if (!errors.isEmpty()) {
            throw Failure.invalid("invalid_quota", "the quota is invalid", Map.of("errors", errors));
        }
        Quota q = new Quota(Ids.newId("quo"), tenantId, usageType, period, limit, mode,
                th.stream().distinct().sorted().toList(), clock.instant());
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO quotas (id, tenant_id, usage_type, period, quota_limit, mode, "
                            + "thresholds, created_at) VALUES (:id, :t, :u, :p, :l, :m, :th, :c)")
                    .bind("id", q.id()).bind("t", tenantId).bind("u", usageType).bind("p", period).bind("l", limit)
                    .bind("m", mode).bind("th", write(q.thresholds())).bind("c", q.createdAt()).execute());
            changed(tenantId);
        } catch (RuntimeException e) {
            if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                throw Failure.conflict("quota_exists", "this tenant has a quota for this type and period");
            }
            throw e;
        }
        return q;
    }

    /**
     * Changes a quota's limit, mode or thresholds (null: unchanged); its type and period stay (a new period is a new
     * quota). Empty when the tenant has no such quota. What was used in the current period counts against the new
     * limit.
     */
    public java.util.Optional<Quota> update(String tenantId, String id, Long limit, String mode,
                                            List<Integer> thresholds) {
        Map<String, Object> errors = new LinkedHashMap<>();
        if (limit != null && limit < 0) {
            errors.put("limit", "must not be negative");
        }
        if (mode != null && !"hard".equals(mode) && !"soft".equals(mode)) {
            errors.put("mode", "hard or soft");
        }
        if (thresholds != null && thresholds.stream().anyMatch(p -> p == null || p < 1 || p > 1000)) {
            errors.put("thresholds", "percentages between 1 and 1000");
        }
        if (!errors.isEmpty()) {
            throw Failure.invalid("invalid_quota", "the quota is invalid", Map.of("errors", errors));
        }
        String th = thresholds == null ? null : write(thresholds.stream().distinct().sorted().toList());
        int n = jdbi.withHandle(h -> h.createUpdate("UPDATE quotas SET quota_limit = COALESCE(:l, quota_limit), "
                        + "mode = COALESCE(:m, mode), thresholds = COALESCE(:th, thresholds) WHERE tenant_id = :t AND "
                        + "id = :id").bind("l", limit).bind("m", mode).bind("th", th).bind("t", tenantId)
                .bind("id", id).execute());
        if (n == 0) {
            return java.util.Optional.empty();
        }
        changed(tenantId);
        java.util.Optional<Quota> updated = load(tenantId).stream().filter(q -> q.id().equals(id)).findFirst();
        if (mode != null && updated.isPresent()) {
            // A counter is moved only while its mode is the quota's: the other mode's, if it exists from earlier in
            // the period, fell behind. Both are dropped (either may be the one left behind); the next use seeds.
            Period p = period(updated.get().period(), clock.instant());
            for (String m : List.of("hard", "soft")) {
                forget(counterKey(tenantId, id, m, p));
            }
        }
        return updated;
    }

    /** Every turn reads the tenant's quotas: cached per tenant, evicted on each change (on every replica). */
    private final io.channelhub.hub.persistence.TenantCache<String, List<Quota>> cache;

    private void changed(String tenantId) {
        cache.changed(tenantId);
    }

    public List<Quota> list(String tenantId) {
        return cache.get(tenantId, this::load);
    }

    private List<Quota> load(String tenantId) {
        return List.copyOf(jdbi.withHandle(h -> h.createQuery("SELECT * FROM quotas WHERE tenant_id = :t ORDER BY "
                        + "usage_type, period").bind("t", tenantId).map(this::quota).list()));
    }

    private List<Quota> hardQuotas(String tenantId, String usageType) {
        return list(tenantId).stream().filter(q -> "hard".equals(q.mode()) && q.usageType().equals(usageType))
                .toList();
    }

    private Quota quota(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new Quota(rs.getString("id"), rs.getString("tenant_id"), rs.getString("usage_type"),
                rs.getString("period"), rs.getLong("quota_limit"), rs.getString("mode"),
                read(rs.getString("thresholds")), ctx.findColumnMapperFor(Instant.class).orElseThrow()
                .map(rs, "created_at", ctx));
    }

    public boolean delete(String tenantId, String id) {
        Optional<Quota> q = jdbi.withHandle(h -> h.createQuery("SELECT * FROM quotas WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).map(this::quota).findOne());
        boolean deleted = jdbi.withHandle(h -> h.createUpdate("DELETE FROM quotas WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).execute()) > 0;
        changed(tenantId);
        if (deleted) {
            // A quota created again has a new id and so a new counter; this only frees the old one (a total
            // quota's counter never expires).
            forget(counterKey(q.orElseThrow(), period(q.get().period(), clock.instant())));
        }
        return deleted;
    }

    public Status status(Quota q) {
        Period p = period(q.period(), clock.instant());
        return new Status(q, p.start(), p.end(), ledgerSum(q, p.start()));
    }

    static Period period(String period, Instant now) {
        LocalDateTime t = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
        LocalDateTime start;
        LocalDateTime end;
        switch (period) {
            case "hourly" -> {
                start = t.truncatedTo(ChronoUnit.HOURS);
                end = start.plusHours(1);
            }
            case "daily" -> {
                start = t.truncatedTo(ChronoUnit.DAYS);
                end = start.plusDays(1);
            }
            case "monthly" -> {
                start = t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
                end = start.plusMonths(1);
            }
            default -> {
                start = LocalDateTime.of(1970, 1, 1, 0, 0);
                end = null;
            }
        }
        return new Period(start.toInstant(ZoneOffset.UTC), end == null ? null : end.toInstant(ZoneOffset.UTC));
    }

    /**
     * Runs before a counter is seeded from the ledger: the usage ledger writes its spooled rows (API requests,
     * stateless completions), which the counters already hold but the ledger's sum would not yet, so that a seeded
     * counter starts from everything recorded. Seeding is rare (a new period, a counter Redis lost).
     */
    public void beforeSeeding(Runnable action) {
        this.beforeSeeding = action;
    }

    private long seedSum(Quota q, Instant from) {
        beforeSeeding.run();
        return ledgerSum(q, from);
    }

    /**
     * Seeds the counter {@code key} from the ledger unless it exists by then. Turns that find the same counter
     * missing at once (the first seconds of a period, a busy tenant's first turns on a node) wait for one of them
     * to seed it ({@link SingleFlight}) instead of each flushing the usage spool and summing the ledger: ten
     * thousand opening streams made two thousand of them queue on the spool's lock, each then waiting for a database
     * connection. A seed that failed is tried by each waiting turn itself, as before.
     */
    private void seedOnce(String key, Quota q, Period p) {
        seeding.load(key, () -> {
            if (counters.current(key).isEmpty()) {
                Instant expires = expiry(p);
                if (!"hard".equals(q.mode())) {
                    Instant soon = clock.instant().plus(SOFT_COUNTER_TTL);
                    expires = expires == null || soon.isBefore(expires) ? soon : expires;
                }
                counters.seed(key, seedSum(q, p.start()), expires);
            }
            return Boolean.TRUE;
        });
    }

    private long ledgerSum(Quota q, Instant from) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(quantity), 0) FROM usage_events WHERE "
                        + "tenant_id = :t AND usage_type = :u AND occurred_at >= :from")
                .bind("t", q.tenantId()).bind("u", q.usageType()).bind("from", from).mapTo(Long.class).one());
    }

    /**
     * One counter per tenant, quota and period start: a new period, or a quota created again, starts afresh. A soft
     * quota's has its own key (earlier builds kept none for it, and a hard quota's counter was not moved while the
     * quota was soft), and a change of mode forgets both ({@link #update}).
     */
    static String counterKey(Quota q, Period p) {
        return counterKey(q.tenantId(), q.id(), q.mode(), p);
    }

    private static String counterKey(String tenantId, String quotaId, String mode, Period p) {
        return tenantId + ":" + quotaId + ":" + p.start().getEpochSecond() + ("hard".equals(mode) ? "" : ":soft");
    }

    /**
     * How long a soft quota's counter lives before it is seeded from the ledger again. Nothing reserves on a soft
     * quota, so nothing corrects it otherwise: a row counted twice when it raced the seed, rows recorded by a replica
     * still running an older build during a rolling upgrade. Ten minutes bounds that drift for the price of one sum a
     * quota every ten minutes, not one after every turn.
     */
    static final Duration SOFT_COUNTER_TTL = Duration.ofMinutes(10);

    /**
     * Refuses work when a hard quota on one of these usage types is used up, and reserves one unit on each hard quota
     * of a {@code reserved} type (work that certainly adds one: a message, a call). {@code checked} types (tokens)
     * are only checked: their amount is known after the work. The caller closes the reservation when the work is
     * done; see {@link QuotaReservation}.
     */
    public QuotaReservation requireAvailable(String tenantId, List<String> reserved, List<String> checked) {
        List<Quota> hard = list(tenantId).stream().filter(q -> "hard".equals(q.mode())).toList();
        QuotaReservation reservation = new QuotaReservation(this, tenantId, hard);
        Instant now = clock.instant();
        try {
            for (Quota q : hard) {
                if (reserved.contains(q.usageType())) {
                    reserveOne(q, period(q.period(), now), reservation);
                } else if (checked.contains(q.usageType())) {
                    requireBelowLimit(q, period(q.period(), now));
                }
            }
        } catch (RuntimeException e) {
            reservation.close();
            throw e;
        }
        reservation.bindToThisThread();
        return reservation;
    }

    /**
     * Refuses work when a hard quota of the tenant on one of {@code checked} is used up; reserves nothing and binds
     * nothing to the thread (a plugin's model call inside a turn leaves the turn's reservation alone).
     */
    public void requireBelow(String tenantId, List<String> checked) {
        Instant now = clock.instant();
        for (Quota q : list(tenantId)) {
            if ("hard".equals(q.mode()) && checked.contains(q.usageType())) {
                requireBelowLimit(q, period(q.period(), now));
            }
        }
    }

    /**
     * Reserves {@code quantity} units of a usage type on each of the tenant's hard quotas on it: usage a plugin is
     * about to record. Refuses ({@link QuotaExceeded}) when that would take a quota past its limit. The caller
     * records the usage with the reservation bound ({@link QuotaReservation#callBound}) and then closes it.
     */
    public QuotaReservation reserve(String tenantId, String usageType, long quantity) {
        List<Quota> hard = hardQuotas(tenantId, usageType);
        QuotaReservation reservation = new QuotaReservation(this, tenantId, hard);
        if (quantity <= 0) {
            return reservation;
        }
        Instant now = clock.instant();
        try {
            for (Quota q : hard) {
                reserveUnits(q, period(q.period(), now), reservation, quantity);
            }
        } catch (RuntimeException e) {
            reservation.close();
            throw e;
        }
        return reservation;
    }

    private void reserveOne(Quota q, Period p, QuotaReservation reservation) {
        reserveUnits(q, p, reservation, 1);
    }

    private void reserveUnits(Quota q, Period p, QuotaReservation reservation, long units) {
        String key = counterKey(q, p);
        QuotaCounters.Reservation r;
        try {
            dropIfStale(key);
            Optional<QuotaCounters.Reservation> attempt = counters.reserve(key, units, q.limit());
            if (attempt.isEmpty()) {
                seedOnce(key, q, p);
                attempt = counters.reserve(key, units, q.limit());
            }
            r = attempt.orElseThrow(() -> new QuotaCounters.Unavailable(
                    new IllegalStateException("the counter vanished right after seeding")));
        } catch (QuotaCounters.Unavailable e) {
            counterUnavailable(e);
            long used = ledgerSum(q, p.start());
            if (used + units > q.limit()) {
                throw exceeded(q, p, used);
            }
            return;
        }
        if (!r.reserved()) {
            throw exceeded(q, p, r.used());
        }
        reservation.add(key, units);
    }

    private void requireBelowLimit(Quota q, Period p) {
        String key = counterKey(q, p);
        long used;
        try {
            dropIfStale(key);
            OptionalLong current = counters.current(key);
            if (current.isEmpty()) {
                seedOnce(key, q, p);
                current = counters.current(key);
            }
            used = current.orElseThrow(() -> new QuotaCounters.Unavailable(
                    new IllegalStateException("the counter vanished right after seeding")));
        } catch (QuotaCounters.Unavailable e) {
            counterUnavailable(e);
            used = ledgerSum(q, p.start());
        }
        if (used >= q.limit()) {
            throw exceeded(q, p, used);
        }
    }

    private static Instant expiry(Period p) {
        return p.end() == null ? null : p.end().plus(COUNTER_GRACE);
    }

    private QuotaExceeded exceeded(Quota q, Period p, long used) {
        metrics.quotaRejections.inc();
        return new QuotaExceeded(q.usageType(), q.period(), q.limit(), used, p.end());
    }

    /**
     * The ledger recorded a new event (a retried one, with a key already seen, never comes here): adds it to the
     * counters of the tenant's quotas on its type, less the units the recording work had reserved on a hard one. A
     * soft quota is counted too, though nothing reserves on it, so that its threshold notices read a counter instead
     * of summing the period's ledger after every turn (a sum that grew with the tenant's usage all month).
     */
    public void recorded(UsageLedger.UsageEvent e) {
        if (e.quantity() == 0) {
            return;
        }
        QuotaReservation reservation = QuotaReservation.current(e.tenantId());
        List<Quota> counted;
        try {
            counted = list(e.tenantId());
        } catch (RuntimeException ex) {
            // Work under a reservation still counts on the hard quotas it reserved on (its units are given back at
            // the end otherwise, and the counter would fall short); a soft counter is corrected when it expires.
            LOG.warn("Could not read the quotas to count {} usage", e.usageType(), ex);
            if (reservation == null) {
                return;
            }
            counted = reservation.hardQuotas();
        }
        Instant now = clock.instant();
        for (Quota q : counted) {
            if (q.usageType().equals(e.usageType())) {
                String key = counterKey(q, period(q.period(), now));
                if (e.quantity() < 0) {
                    // A level given back (a file deleted): the counter goes down with the ledger's sum.
                    change(key, e.quantity());
                    continue;
                }
                long reservedUnits = reservation == null || !"hard".equals(q.mode()) ? 0
                        : reservation.take(key, e.quantity());
                if (e.quantity() > reservedUnits) {
                    change(key, e.quantity() - reservedUnits);
                }
            }
        }
    }

    /** Gives back reserved units the work did not record. */
    void giveBack(String key, long units) {
        change(key, -units);
    }

    private void change(String key, long units) {
        try {
            counters.addIfPresent(key, units);
        } catch (QuotaCounters.Unavailable e) {
            stale.add(key);
            counterUnavailable(e);
        }
    }

    /** Drops a counter, so its next use seeds it from the ledger; unreachable, it is dropped at its next use. */
    private void forget(String key) {
        try {
            counters.forget(key);
        } catch (QuotaCounters.Unavailable e) {
            stale.add(key);
            counterUnavailable(e);
        }
    }

    private void dropIfStale(String key) {
        if (stale.remove(key)) {
            try {
                counters.forget(key);
            } catch (QuotaCounters.Unavailable e) {
                stale.add(key);
                throw e;
            }
        }
    }

    private void counterUnavailable(QuotaCounters.Unavailable e) {
        fallback.mark();
        counterFailures.warn("Quota counters unavailable ({}); checking hard quotas against the ledger",
                e.getCause() == null ? e.getMessage() : e.getCause().getClass().getSimpleName());
    }

    /**
     * After usage of {@code types} was recorded: notifies each threshold of their quotas crossed in this period,
     * once. Only those quotas: another type's cannot have moved, and a quota whose counter is unreachable is read
     * from the ledger, a sum over the period that no request should pay for a type it did not use.
     */
    public void afterUsage(String tenantId, java.util.Collection<String> types) {
        for (Quota q : list(tenantId)) {
            if (!types.contains(q.usageType())) {
                continue;
            }
            Status s = thresholdStatus(q);
            for (int pct : q.thresholds()) {
                if (q.limit() > 0 && s.used() * 100 >= q.limit() * (long) pct && claim(q, s.periodStart(), pct)) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("quota_id", q.id());
                    data.put("usage_type", q.usageType());
                    data.put("period", q.period());
                    data.put("mode", q.mode());
                    data.put("limit", q.limit());
                    data.put("used", s.used());
                    data.put("threshold_percent", pct);
                    webhooks.emit(tenantId, "quota.threshold", data);
                    audit.success(null, tenantId, "quota.threshold", "quota", q.id(), data);
                }
            }
        }
    }

    /**
     * Where a quota stands for its threshold notices. Hard and soft alike read their counter (the ledger's sum, plus
     * what work in flight reserved on a hard one), one round trip instead of summing the period's ledger rows on
     * every turn, and seed it when it is missing; an unreachable counter reads the ledger.
     */
    private Status thresholdStatus(Quota q) {
        Period p = period(q.period(), clock.instant());
        String key = counterKey(q, p);
        try {
            // A counter whose change could not be written is dropped and seeded again, as a reservation does.
            dropIfStale(key);
            OptionalLong current = counters.current(key);
            if (current.isPresent()) {
                return new Status(q, p.start(), p.end(), current.getAsLong());
            }
            // No counter yet (nothing reserved on this quota, as on a channel's messages.in, billed when it arrived,
            // or a soft one): seed it from the ledger once, so that the next notices read it instead of summing again.
            seedOnce(key, q, p);
            current = counters.current(key);
            if (current.isPresent()) {
                return new Status(q, p.start(), p.end(), current.getAsLong());
            }
        } catch (QuotaCounters.Unavailable e) {
            counterUnavailable(e);
        }
        return status(q);
    }

    private boolean claim(Quota q, Instant periodStart, int pct) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO quota_notifications (tenant_id, quota_id, period_start, "
                            + "threshold, created_at) VALUES (:t, :q, :p, :th, :at)")
                    .bind("t", q.tenantId()).bind("q", q.id()).bind("p", periodStart).bind("th", pct)
                    .bind("at", clock.instant()).execute());
            return true;
        } catch (RuntimeException e) {
            if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Integer> read(String s) {
        try {
            return json.readValue(s, new TypeReference<List<Integer>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
