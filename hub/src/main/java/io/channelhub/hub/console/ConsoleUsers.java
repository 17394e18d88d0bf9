package io.channelhub.hub.console;

import io.channelhub.hub.identity.Role;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Constraints;
import io.channelhub.hub.persistence.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Console accounts of one scope (a tenant's, or the platform's when {@code tenantId} is null) and password sign-in
 * with a lockout after repeated failures. Every query names the scope, so one tenant's admin can't reach another's
 * people.
 */
public class ConsoleUsers {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
    private static final String COLUMNS = "id, tenant_id, email, display_name, role, password_hash, status, "
            + "failed_logins, locked_until, created_at, created_by, last_login_at";
    private static final RowMapper<ConsoleUser> MAPPER = (rs, ctx) -> {
        var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
        return new ConsoleUser(rs.getString("id"), rs.getString("tenant_id"), rs.getString("email"),
                rs.getString("display_name"), Role.fromWire(rs.getString("role")), rs.getString("password_hash"),
                rs.getString("status"), rs.getInt("failed_logins"), instants.map(rs, "locked_until", ctx),
                instants.map(rs, "created_at", ctx), rs.getString("created_by"),
                instants.map(rs, "last_login_at", ctx));
    };

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final ConsoleSessions sessions;
    private final Clock clock;
    private final int maxFailures;
    private final Duration lockout;

    public ConsoleUsers(Jdbi jdbi, PasswordHasher hasher, ConsoleSessions sessions, Clock clock, int maxFailures,
                        Duration lockout) {
        this.jdbi = jdbi;
        this.hasher = hasher;
        this.sessions = sessions;
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.lockout = lockout;
    }

    /** Now, by the hub's clock (a view's {@code locked} flag is judged against it). */
    public Instant now() {
        return clock.instant();
    }

    public ConsoleUser create(String tenantId, String email, String displayName, String role, String password,
                              String createdBy) {
        String address = normalise(email);
        Role r = role(tenantId, role);
        checkPassword(password);
        ConsoleUser u = new ConsoleUser(Ids.newId("usr"), tenantId, address, blankToNull(displayName), r,
                hasher.hash(password), ConsoleUser.ACTIVE, 0, null, clock.instant(), createdBy, null);
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO console_users (" + COLUMNS + ") VALUES (:id, :t, :e, :n, "
                            + ":r, :p, :s, 0, NULL, :c, :by, NULL)")
                    .bind("id", u.id()).bind("t", tenantId).bind("e", address).bind("n", u.displayName())
                    .bind("r", r.wire()).bind("p", u.passwordHash()).bind("s", u.status()).bind("c", u.createdAt())
                    .bind("by", createdBy).execute());
        } catch (RuntimeException e) {
            if (Constraints.isUniqueViolation(e)) {
                throw Failure.conflict("email_taken", "a console user with this e-mail address exists");
            }
            throw e;
        }
        return u;
    }

    public List<ConsoleUser> list(String tenantId) {
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT " + COLUMNS + " FROM console_users WHERE " + scope(tenantId)
                    + " ORDER BY email");
            // Jdbi refuses a binding to a statement that declares no parameter at all (the platform's list).
            return (tenantId == null ? q : q.bind("t", tenantId)).map(MAPPER).list();
        });
    }

    public ConsoleUser get(String tenantId, String id) {
        return find(tenantId, id).orElseThrow(() -> Failure.notFound("console user"));
    }

    public Optional<ConsoleUser> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM console_users WHERE id = :id AND "
                        + scope(tenantId))
                .bind("id", id).bind("t", tenantId).map(MAPPER).findOne());
    }

    /** The user behind a session, whatever its scope: the session row already says which tenant it belongs to. */
    Optional<ConsoleUser> byId(String id) {
        return byId(jdbi, id);
    }

    /** A user by id, for the sessions, which read users but never change them. */
    static Optional<ConsoleUser> byId(Jdbi jdbi, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM console_users WHERE id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    /**
     * Changes what is given. A new password, a new role or disabling ends the user's sessions: whoever holds one must
     * sign in again under the new terms.
     */
    public ConsoleUser update(String tenantId, String id, String displayName, String role, String status,
                              String password) {
        ConsoleUser u = get(tenantId, id);
        Role r = role == null ? u.role() : role(tenantId, role);
        String s = status == null ? u.status() : switch (status) {
            case ConsoleUser.ACTIVE, ConsoleUser.DISABLED -> status;
            default -> throw Failure.invalid("invalid_status", "status is active or disabled",
                    Map.of("field", "status"));
        };
        String hash = u.passwordHash();
        if (password != null) {
            checkPassword(password);
            hash = hasher.hash(password);
        }
        String name = displayName == null ? u.displayName() : blankToNull(displayName);
        String newHash = hash;
        jdbi.useHandle(h -> h.createUpdate("UPDATE console_users SET display_name = :n, role = :r, status = :s, "
                        + "password_hash = :p, failed_logins = CASE WHEN :unlock THEN 0 ELSE failed_logins END, "
                        + "locked_until = CASE WHEN :unlock THEN NULL ELSE locked_until END WHERE id = :id AND "
                        + scope(tenantId))
                .bind("n", name).bind("r", r.wire()).bind("s", s).bind("p", newHash)
                .bind("unlock", password != null).bind("id", id).bind("t", tenantId).execute());
        if (password != null || r != u.role() || !s.equals(u.status())) {
            sessions.endForUser(id);
        }
        return get(tenantId, id);
    }

    public void delete(String tenantId, String id) {
        get(tenantId, id);
        sessions.endForUser(id);
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM console_users WHERE id = :id AND " + scope(tenantId))
                .bind("id", id).bind("t", tenantId).execute());
    }

    /** A sign-in's outcome: the user when it succeeded; the account that was tried, when one exists. */
    public record SignIn(Optional<ConsoleUser> user, Optional<ConsoleUser> attempted, boolean lockedNow) {
    }

    /**
     * Each attempt first reserves a place in the account's failure count, in one conditional statement, and only then
     * spends time on the hash: parallel guesses can't all be checked against a stale "not locked" read, and a right
     * guess among more than {@code maxFailures} attempts in flight is refused like the rest. Unknown addresses cost
     * the same hash as known ones, and a locked account answers like a wrong password.
     */
    public SignIn signIn(String email, String password) {
        String address = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        Optional<ConsoleUser> found = jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM console_users "
                + "WHERE email = :e").bind("e", address).map(MAPPER).findOne());
        if (found.isEmpty()) {
            hasher.verifyDecoy(password);
            return new SignIn(Optional.empty(), Optional.empty(), false);
        }
        ConsoleUser u = found.get();
        Instant now = clock.instant();
        boolean reserved = jdbi.withHandle(h -> h.createUpdate("UPDATE console_users SET failed_logins = "
                        + "failed_logins + 1 WHERE id = :id AND (locked_until IS NULL OR locked_until <= :now)")
                .bind("id", u.id()).bind("now", now).execute()) == 1;
        boolean ok = hasher.verify(password, u.passwordHash());
        if (!reserved || !u.isActive()) {
            return new SignIn(Optional.empty(), found, false);
        }
        if (!ok) {
            // The reservation stays as the failure; reaching the limit locks the account and restarts the count.
            boolean lockedNow = jdbi.withHandle(h -> h.createUpdate("UPDATE console_users SET locked_until = :until, "
                            + "failed_logins = 0 WHERE id = :id AND failed_logins >= :max")
                    .bind("until", now.plus(lockout)).bind("id", u.id()).bind("max", maxFailures).execute()) == 1;
            return new SignIn(Optional.empty(), found, lockedNow);
        }
        boolean admitted = jdbi.withHandle(h -> h.createUpdate("UPDATE console_users SET failed_logins = 0, "
                        + "last_login_at = :now WHERE id = :id AND (locked_until IS NULL OR locked_until <= :now) "
                        + "AND failed_logins <= :max")
                .bind("now", now).bind("id", u.id()).bind("max", maxFailures).execute()) == 1;
        if (!admitted) {
            return new SignIn(Optional.empty(), found, false);
        }
        if (hasher.needsRehash(u.passwordHash())) {
            jdbi.useHandle(h -> h.createUpdate("UPDATE console_users SET password_hash = :p WHERE id = :id")
                    .bind("p", hasher.hash(password)).bind("id", u.id()).execute());
        }
        return new SignIn(found, found, false);
    }

    private static String scope(String tenantId) {
        return tenantId == null ? "tenant_id IS NULL" : "tenant_id = :t";
    }

    private static Role role(String tenantId, String role) {
        Role r;
        try {
            r = Role.fromWire(role == null ? "" : role);
        } catch (IllegalArgumentException e) {
            throw Failure.invalid("invalid_role", "unknown role", Map.of("field", "role"));
        }
        if ((tenantId == null) != (r == Role.SUPER_ADMIN)) {
            throw Failure.invalid("invalid_role", tenantId == null
                    ? "platform console users are super_admin" : "a tenant's console users are admin, editor or viewer",
                    Map.of("field", "role"));
        }
        return r;
    }

    private static String normalise(String email) {
        String address = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        if (address.length() > 191 || !EMAIL.matcher(address).matches()) {
            throw Failure.invalid("invalid_email", "email must be an e-mail address",
                    Map.of("field", "email"));
        }
        return address;
    }

    private static void checkPassword(String password) {
        String problem = PasswordHasher.checkStrength(password);
        if (problem != null) {
            throw Failure.invalid("weak_password", problem, Map.of("field", "password"));
        }
    }

    private static String blankToNull(String s) {
        if (s != null && s.trim().length() > 200) {
            throw Failure.invalid("invalid_field", "display_name has at most 200 characters",
                    Map.of("field", "display_name"));
        }
        return s == null || s.isBlank() ? null : s.trim();
    }
}
