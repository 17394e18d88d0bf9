package io.channelhub.hub.tenancy;

import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Tenant lifecycle. */
public class TenantService {

    /**
     * Kept when a tenant is deleted: the audit trail must outlive what it describes, and the usage ledger is the
     * record invoices are built from.
     */
    /** What a deleted tenant leaves: the audit trail and the billing records (usage, invoices) the law keeps. */
    private static final Set<String> KEPT_ON_DELETE = Set.of("audit_log", "usage_events", "subscriptions", "invoices",
            "invoice_lines", "credit_notes", "billing_events");

    private final Jdbi jdbi;
    private final TenantRepository tenants;
    private final Clock clock;
    /** Told after a tenant's rows are deleted, for state outside the database (a replica's search index). */
    private final List<java.util.function.Consumer<String>> deletedListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public TenantService(Jdbi jdbi, TenantRepository tenants, Clock clock) {
        this.jdbi = jdbi;
        this.tenants = tenants;
        this.clock = clock;
    }

    public Tenant create(String slug, String name) {
        checkSlug(slug);
        if (tenants.findBySlug(slug).isPresent()) {
            throw Failure.conflict("slug_taken", "a tenant with this slug exists");
        }
        Instant now = clock.instant();
        Tenant t = new Tenant(Ids.newId("ten"), slug, name, TenantStatus.ACTIVE, now, now);
        try {
            tenants.insert(t);
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                throw Failure.conflict("slug_taken", "a tenant with this slug exists");
            }
            throw e;
        }
        return t;
    }

    public Tenant get(String id) {
        return tenants.find(id).orElseThrow(() -> Failure.notFound("tenant"));
    }

    public List<Tenant> list(String after, int limit) {
        return tenants.list(after, limit);
    }

    /** Tenants whose slug starts with, or whose name contains, {@code q} (case aside), in id order. */
    public List<Tenant> search(String q, String after, int limit) {
        return tenants.search(q, after, limit);
    }

    public Tenant update(String id, String slug, String name) {
        Tenant t = get(id);
        String newSlug = slug == null ? t.slug() : slug;
        if (!newSlug.equals(t.slug())) {
            checkSlug(newSlug);
            if (tenants.findBySlug(newSlug).isPresent()) {
                throw Failure.conflict("slug_taken", "a tenant with this slug exists");
            }
        }
        Tenant u = new Tenant(t.id(), newSlug, name == null ? t.name() : name, t.status(), t.createdAt(),
                clock.instant());
        tenants.update(u);
        return u;
    }

    public Tenant setStatus(String id, TenantStatus status) {
        Tenant t = get(id);
        Tenant u = new Tenant(t.id(), t.slug(), t.name(), status, t.createdAt(), clock.instant());
        tenants.update(u);
        return u;
    }

    /**
     * Deletes the tenant and every row of every table that has a {@code tenant_id} column, found from the schema
     * so that tables added by later changelogs are covered without touching this code.
     */
    public Tenant delete(String id) {
        Tenant t = get(id);
        jdbi.useTransaction(h -> {
            for (String table : tenantTables(h)) {
                if (!KEPT_ON_DELETE.contains(table)) {
                    h.createUpdate("DELETE FROM " + table + " WHERE tenant_id = :t").bind("t", id).execute();
                }
            }
            h.createUpdate("DELETE FROM tenants WHERE id = :t").bind("t", id).execute();
        });
        tenants.changed(id);
        deletedListeners.forEach(l -> l.accept(id));
        return t;
    }

    /** {@code listener} gets the id of each tenant deleted on this replica, after its rows are gone. */
    public void onDeleted(java.util.function.Consumer<String> listener) {
        deletedListeners.add(listener);
    }

    static List<String> tenantTables(Handle h) {
        try {
            return tenantTablesOf(h);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read the schema", e);
        }
    }

    private static List<String> tenantTablesOf(Handle h) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        DatabaseMetaData md = h.getConnection().getMetaData();
        String catalog = h.getConnection().getCatalog();
        String schema = h.getConnection().getSchema();
        try (ResultSet rs = md.getColumns(catalog, schema, "%", "%")) {
            while (rs.next()) {
                if ("tenant_id".equalsIgnoreCase(rs.getString("COLUMN_NAME"))) {
                    String table = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                    if (!out.contains(table)) {
                        out.add(table);
                    }
                }
            }
        }
        return out;
    }

    private static void checkSlug(String slug) {
        io.channelhub.hub.persistence.Slugs.check(slug);
    }
}
