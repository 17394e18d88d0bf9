package io.channelhub.hub.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Usage aggregates and export, and a retried usage event counted once. */
abstract class UsageContract extends HubIntegrationTest {

    private long sum(JsonNode page, String type) {
        long total = 0;
        for (JsonNode b : page.get("data")) {
            if (b.get("usage_type").asText().equals(type)) {
                total += b.get("quantity").asLong();
            }
        }
        return total;
    }

    @Test
    void usageIsSummedPerPeriodAndExported() {
        String t = hub.createTenant(slug("usage"));
        String admin = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "usage-agent", "name", "U")), 201);
        String c = TestHub.check(hub.post(admin, "/v1/conversations", Map.of()), 201).json().get("id").asText();
        for (int i = 0; i < 3; i++) {
            TestHub.check(hub.post(admin, "/v1/conversations/" + c + "/messages", Map.of("content", "n" + i)), 201);
        }
        JsonNode days = TestHub.check(hub.get(admin, "/v1/usage?granularity=day"), 200).json();
        assertThat(sum(days, "messages.in")).isEqualTo(3);
        assertThat(sum(days, "messages.out")).isEqualTo(3);
        assertThat(sum(days, "model.completion_tokens")).isPositive();
        JsonNode hours = TestHub.check(hub.get(admin, "/v1/usage?granularity=hour&type=messages.in"), 200).json();
        assertThat(hours.get("data")).allSatisfy(b -> assertThat(b.get("usage_type").asText())
                .isEqualTo("messages.in"));
        assertThat(hours.get("data").get(0).get("period_start").asText()).endsWith(":00:00Z");
        assertThat(sum(TestHub.check(hub.get(admin, "/v1/usage?granularity=month"), 200).json(), "messages.in"))
                .isEqualTo(3);
        // Every authenticated call of the tenant is metered: at least the ones this test made with its key.
        assertThat(sum(hub.get(admin, "/v1/usage").json(), "api.requests")).isGreaterThanOrEqualTo(8);

        TestHub.Reply csv = hub.get(admin, "/v1/usage/export.csv?granularity=day");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).startsWith("period_start,usage_type,unit,quantity\n").contains(",messages.in,message,3");

        assertThat(hub.get(admin, "/v1/usage?granularity=week").code()).isEqualTo("invalid_granularity");
        assertThat(hub.get(admin, "/v1/usage?from=yesterday").code()).isEqualTo("invalid_field");
        String viewer = hub.createKey(t, "viewer").get("key").asText();
        assertThat(hub.get(viewer, "/v1/usage").code()).isEqualTo("permission_denied");
    }

    @Test
    void aRetriedUsageEventIsCountedOnce() {
        String t = hub.createTenant(slug("retry"));
        String admin = hub.createKey(t, "admin").get("key").asText();
        UsageLedger ledger = new UsageLedger(hub.app().jdbi(), Clock.systemUTC());
        UsageLedger.UsageEvent e = new UsageLedger.UsageEvent(t, "whatsapp.template", 1, "message", "channel-whatsapp",
                null, null, null, "wamid.ABC");
        assertThat(ledger.record(e)).isTrue();
        assertThat(ledger.record(e)).isFalse();
        assertThat(ledger.total(t, "whatsapp.template")).isEqualTo(1);
        assertThat(sum(hub.get(admin, "/v1/usage").json(), "whatsapp.template")).isEqualTo(1);
    }
}
