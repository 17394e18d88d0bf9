package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.HubIntegrationTest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every table that holds tenant data has a {@code tenant_id} column that leads an index, so every tenant-scoped
 * query can use it. A new table without one fails here unless it is on this short allowlist, with its reason.
 */
abstract class SchemaContract extends HubIntegrationTest {

    private static final Map<String, String> ALLOWLIST = Map.of(
            "tenants", "the tenant registry itself: its id is the tenant id",
            "plans", "the integrator's price list, the same for every tenant",
            "billing_gateways", "the integrator's own payment gateway account, not a tenant's",
            "plugin_packages", "plugin jars the operator installed, run for every tenant",
            "databasechangelog", "Liquibase bookkeeping, no tenant data",
            "databasechangeloglock", "Liquibase bookkeeping, no tenant data");

    @Test
    void everyTenantTableHasAnIndexedTenantId() throws Exception {
        List<String> failures = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        try (Connection c = hub.database().connect()) {
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertThat(tables).as("tables of the migrated schema").hasSizeGreaterThan(4);
            for (String table : tables) {
                String name = table.toLowerCase(Locale.ROOT);
                if (ALLOWLIST.containsKey(name)) {
                    continue;
                }
                boolean hasColumn;
                try (ResultSet rs = md.getColumns(c.getCatalog(), c.getSchema(), table, "%")) {
                    hasColumn = false;
                    while (rs.next()) {
                        hasColumn |= "tenant_id".equalsIgnoreCase(rs.getString("COLUMN_NAME"));
                    }
                }
                if (!hasColumn) {
                    failures.add(name + " has no tenant_id column");
                    continue;
                }
                boolean leads = false;
                try (ResultSet rs = md.getIndexInfo(c.getCatalog(), c.getSchema(), table, false, false)) {
                    while (rs.next()) {
                        leads |= rs.getShort("ORDINAL_POSITION") == 1
                                && "tenant_id".equalsIgnoreCase(rs.getString("COLUMN_NAME"));
                    }
                }
                if (!leads) {
                    failures.add(name + " has no index led by tenant_id");
                }
            }
        }
        assertThat(tables.stream().map(t -> t.toLowerCase(Locale.ROOT)))
                .contains("api_keys", "channel_instances", "resource_grants", "audit_log", "plugin_enablements");
        assertThat(failures).isEmpty();
    }
}
