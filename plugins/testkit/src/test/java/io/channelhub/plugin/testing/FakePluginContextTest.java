package io.channelhub.plugin.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.QuotaExceededException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kit keeps the API's promises where a plugin's test could notice them. */
class FakePluginContextTest {

    private final FakePluginContext ctx = FakePluginContext.forInstance("channel-acme", Map.of("api_token", "t-1"));

    @Test
    void theInstanceAndItsSettingsAreTheOnesGivenAndNullsMeanUnset() {
        assertThat(ctx.tenantId()).isEqualTo("ten_test");
        assertThat(ctx.instance().orElseThrow().pluginId()).isEqualTo("channel-acme");
        assertThat(ctx.settings().require("api_token")).isEqualTo("t-1");
        Map<String, String> changed = new HashMap<>();
        changed.put("api_token", null);
        assertThat(ctx.withSettings(changed).settings().get("api_token")).isEmpty();
        assertThat(ctx.at(Instant.parse("2027-01-01T00:00:00Z")).clock().instant())
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    }

    @Test
    void aMeteringKeyCountsOnceAndAUsedUpQuotaRefusesAndRecordsNothing() {
        ctx.metering().record("acme.message", 1, "message", "m-1");
        ctx.metering().record("acme.message", 1, "message", "m-1");
        ctx.metering().record("acme.message", 2, "message", "m-2");
        assertThat(ctx.metered()).containsExactly(new FakePluginContext.Metered("acme.message", 1, "message", "m-1"),
                new FakePluginContext.Metered("acme.message", 2, "message", "m-2"));
        ctx.quotaUsedUp("acme.message");
        assertThatThrownBy(() -> ctx.metering().record("acme.message", 1, "message", "m-3"))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(ctx.metered()).hasSize(2);
    }

    @Test
    void documentsAreFoundByAttributeAndDeleted() {
        ctx.store().put("orders", "o-1", "{}", Map.of("status", "open"), "5511999");
        ctx.store().put("orders", "o-2", "{}", Map.of("status", "closed"), null);
        assertThat(ctx.store().find("orders", "status", "open")).extracting(d -> d.key()).containsExactly("o-1");
        assertThat(ctx.store().delete("orders", "o-1")).isTrue();
        assertThat(ctx.documents()).containsOnlyKeys("orders/o-2");
    }

    @Test
    void mediaKeepsItsBytesAndDigest() {
        var stored = ctx.media().put("text/plain", "a.txt", "hi".getBytes(StandardCharsets.UTF_8), "5511999");
        assertThat(ctx.media().content(stored.id()).orElseThrow()).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
        assertThat(stored.sha256()).isEqualTo("8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4");
        assertThat(ctx.storedMedia()).containsOnlyKeys(stored.id());
    }

    @Test
    void recordedConsentIsWhatTheLedgerAnswersNext() {
        assertThat(ctx.contacts().consent("5511999", "marketing")).isEqualTo(Contacts.ConsentStatus.UNKNOWN);
        ctx.contacts().recordConsent(new Contacts.ConsentRecord("5511999", "marketing",
                Contacts.ConsentStatus.WITHDRAWN, "acme:stop", "STOP", Instant.EPOCH));
        assertThat(ctx.contacts().consent("5511999", "marketing")).isEqualTo(Contacts.ConsentStatus.WITHDRAWN);
        assertThat(ctx.consentRecorded()).hasSize(1);
    }

    @Test
    void conversationsAnswerFromTheMessagesATestAdded() {
        for (int i = 1; i <= 3; i++) {
            ctx.message(new Conversations.MessageView("msg_" + i, "conv_1", i % 2 == 1 ? "user" : "assistant",
                    "text " + i, "ext-" + i, Instant.EPOCH), "5511999");
        }
        assertThat(ctx.conversations().currentConversation("5511999")).contains("conv_1");
        assertThat(ctx.conversations().recentMessages("conv_1", 2)).extracting(m -> m.id())
                .containsExactly("msg_2", "msg_3");
        assertThat(ctx.conversations().findByExternalMessageId("ext-1").orElseThrow().content()).isEqualTo("text 1");
    }

    @Test
    void httpIsAnsweredFromTheScriptAndRecorded() throws Exception {
        ctx.answer(201, "{\"id\":\"x\"}");
        HttpResponse<byte[]> r = ctx.http().send(HttpRequest.newBuilder(URI.create("https://api.acme.test/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"1\"}")).build());
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(ctx.requests()).singleElement().satisfies(s -> assertThat(s.text()).isEqualTo("{\"to\":\"1\"}"));
    }
}
