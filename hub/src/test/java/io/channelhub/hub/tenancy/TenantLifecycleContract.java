package io.channelhub.hub.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.Routes;
import io.channelhub.hub.support.TestHub;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Create, list, update, suspend, activate and delete tenants; suspension closes every route to the tenant. */
abstract class TenantLifecycleContract extends HubIntegrationTest {

    @Test
    void createsListsAndUpdatesTenants() {
        String s = slug("acme");
        String id = hub.createTenant(s);
        JsonNode t = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants/" + id), 200).json();
        assertThat(t.get("slug").asText()).isEqualTo(s);
        assertThat(t.get("status").asText()).isEqualTo("active");

        JsonNode u = TestHub.check(hub.patch(TestHub.ROOT_KEY, "/admin/tenants/" + id,
                Map.of("name", "Acme Ltda")), 200).json();
        assertThat(u.get("name").asText()).isEqualTo("Acme Ltda");
        assertThat(hub.post(TestHub.ROOT_KEY, "/admin/tenants", Map.of("slug", s, "name", "dup")).code())
                .isEqualTo("slug_taken");
        assertThat(hub.post(TestHub.ROOT_KEY, "/admin/tenants", Map.of("slug", "Not A Slug", "name", "x")).code())
                .isEqualTo("invalid_slug");
    }

    @Test
    void findsTenantsBySlugPrefixOrNameAmongAllOfThem() {
        String base = slug("findme");
        String a = hub.createTenant(base + "-a");
        String b = hub.createTenant(base + "-b");
        hub.createTenant(slug("other"));
        JsonNode found = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants?q=" + base), 200).json();
        assertThat(found.get("data")).extracting(n -> n.get("id").asText()).containsExactlyInAnyOrder(a, b);
        // Names match anywhere, case aside (createTenant names them "Tenant <slug>"); wildcards are literal.
        JsonNode byName = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants?q=TENANT%20" + base + "-B"), 200)
                .json();
        assertThat(byName.get("data")).extracting(n -> n.get("id").asText()).containsExactly(b);
        assertThat(TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants?q=%25"), 200).json().get("data"))
                .isEmpty();
        JsonNode paged = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants?limit=1&q=" + base), 200).json();
        assertThat(paged.get("data")).hasSize(1);
        assertThat(TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants?limit=1&q=" + base + "&after="
                + paged.get("next_cursor").asText()), 200).json().get("data")).hasSize(1);
        String viewer = hub.createKey(a, "admin").get("key").asText();
        assertThat(hub.get(viewer, "/admin/tenants?q=" + base).status()).isEqualTo(403);
    }

    @Test
    void paginatesTheTenantList() {
        for (int i = 0; i < 3; i++) {
            hub.createTenant(slug("page" + i));
        }
        JsonNode first = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants?limit=2"), 200).json();
        assertThat(first.get("data")).hasSize(2);
        String cursor = first.get("next_cursor").asText();
        JsonNode second = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants?limit=2&after=" + cursor), 200)
                .json();
        assertThat(second.get("data").get(0).get("id").asText()).isGreaterThan(cursor);
        assertThat(first.get("data").get(0).get("id").asText())
                .isLessThan(first.get("data").get(1).get("id").asText());
        assertThat(hub.get(TestHub.ROOT_KEY, "/admin/tenants?limit=0").code()).isEqualTo("invalid_limit");
    }

    @Test
    void aSuspendedTenantGets403OnEveryRouteUntilActivated() {
        String id = hub.createTenant(slug("susp"));
        String admin = hub.createKey(id, "admin").get("key").asText();
        assertThat(hub.get(admin, "/v1/me").status()).isEqualTo(200);

        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + id + "/suspend", null), 200);
        for (Routes.Route r : Routes.api(hub)) {
            if (r.template().equals("/openapi.json")) {
                continue; // public: no tenant involved
            }
            String path = r.template().replaceAll("\\{[^}]+}", "x");
            TestHub.Reply reply;
            try {
                reply = hub.sendAs(admin, r.method(), r.template(), path, r.method().equals("GET")
                        || r.method().equals("DELETE") ? null : Map.of());
            } catch (RuntimeException e) {
                throw new AssertionError(r + " failed: " + e.getMessage(), e);
            }
            assertThat(reply.status()).as(r.toString()).isEqualTo(403);
            assertThat(reply.code()).as(r.toString()).isEqualTo("tenant_suspended");
        }
        // The operator can still see and fix the tenant.
        assertThat(hub.get(TestHub.ROOT_KEY, "/admin/tenants/" + id + "/api-keys").status()).isEqualTo(200);

        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + id + "/activate", null), 200);
        assertThat(hub.get(admin, "/v1/me").status()).isEqualTo(200);
    }

    @Test
    void deletingATenantRemovesItsDataAndKeysButKeepsTheAudit() {
        String id = hub.createTenant(slug("gone"));
        String admin = hub.createKey(id, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "test-channel", "name", "w",
                "settings", Map.of("phone", "+1" + System.nanoTime(), "token", "t"))), 201);

        assertThat(hub.delete(TestHub.ROOT_KEY, "/admin/tenants/" + id).status()).isEqualTo(204);
        assertThat(hub.get(TestHub.ROOT_KEY, "/admin/tenants/" + id).status()).isEqualTo(404);
        assertThat(hub.get(admin, "/v1/me").code()).isEqualTo("invalid_api_key");
        int left = hub.app().jdbi().withHandle(h -> h.createQuery(
                "SELECT (SELECT COUNT(*) FROM api_keys WHERE tenant_id = :t) "
                        + "+ (SELECT COUNT(*) FROM channel_instances WHERE tenant_id = :t)").bind("t", id)
                .mapTo(Integer.class).one());
        assertThat(left).isZero();
        int audit = hub.app().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM audit_log WHERE tenant_id = :t").bind("t", id).mapTo(Integer.class).one());
        assertThat(audit).isGreaterThan(0);
        // The usage ledger stays too: invoices are built from it.
        new io.channelhub.hub.metering.UsageLedger(hub.app().jdbi(), java.time.Clock.systemUTC()).record(
                new io.channelhub.hub.metering.UsageLedger.UsageEvent(id, "probe", 1, "unit", null, null, null, null,
                        "after-delete"));
        assertThat(new io.channelhub.hub.metering.UsageLedger(hub.app().jdbi(), java.time.Clock.systemUTC())
                .total(id, "probe")).isEqualTo(1);
    }

    @Test
    void tenantManagementIsForTheOperatorOnly() {
        String id = hub.createTenant(slug("own"));
        String admin = hub.createKey(id, "admin").get("key").asText();
        assertThat(hub.get(admin, "/admin/tenants").status()).isEqualTo(403);
        assertThat(hub.post(admin, "/admin/tenants/" + id + "/suspend", null).status()).isEqualTo(403);
        assertThat(hub.get(admin, "/v1/tenant").json().get("id").asText()).isEqualTo(id);
        assertThat(hub.get(TestHub.ROOT_KEY, "/v1/tenant").code()).isEqualTo("tenant_scope_required");
    }

    @Test
    void everyMutationIsAuditedWithActorAndTrace() {
        String id = hub.createTenant(slug("aud"));
        JsonNode log = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants/" + id + "/audit"), 200).json();
        JsonNode e = log.get("data").get(0);
        assertThat(e.get("action").asText()).isEqualTo("tenant.create");
        assertThat(e.get("actor_role").asText()).isEqualTo("super_admin");
        assertThat(e.get("trace_id").asText()).hasSize(32);
    }
}
