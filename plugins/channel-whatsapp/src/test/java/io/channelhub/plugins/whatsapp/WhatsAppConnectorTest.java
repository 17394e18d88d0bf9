package io.channelhub.plugins.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.HttpAnswer;
import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsException;
import io.channelhub.plugin.channel.ChannelCapability;
import io.channelhub.plugin.channel.ChannelDescriptor;
import io.channelhub.plugin.channel.DeliveryStatus;
import io.channelhub.plugin.channel.FetchedMedia;
import io.channelhub.plugin.channel.MessageReceived;
import io.channelhub.plugin.channel.MessageTemplate;
import io.channelhub.plugin.channel.OutboundCheck;
import io.channelhub.plugin.channel.OutboundMessage;
import io.channelhub.plugin.channel.OutboundMessage.Kind;
import io.channelhub.plugin.channel.SendResult;
import io.channelhub.plugin.testing.ScriptedHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WhatsAppConnectorTest {

    final WhatsAppConnector connector = new WhatsAppConnector();
    final WhatsAppContext ctx = new WhatsAppContext();

    /** A plugin route scope that knows the numbers given to it. */
    static InboundScope scope(Map<String, PluginContext> byNumber) {
        return new InboundScope() {
            @Override
            public Optional<PluginContext> instance() {
                return Optional.empty();
            }

            @Override
            public Optional<PluginContext> findInstance(String value) {
                return Optional.ofNullable(byNumber.get(value));
            }

            @Override
            public boolean anyInstanceHas(String setting, String value) {
                return byNumber.values().stream().anyMatch(c -> value.equals(c.settings().get(setting).orElse(null)));
            }
        };
    }

    InboundScope scope() {
        return scope(Map.of(WhatsAppContext.PHONE_NUMBER_ID, ctx));
    }

    static InboundRequest post(byte[] body, String signature) {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("Content-Type", List.of("application/json"));
        if (signature != null) {
            headers.put("x-hub-signature-256", List.of(signature));
        }
        return new InboundRequest("POST", "/webhook", headers, Map.of(), body, "173.252.0.1");
    }

    static InboundRequest get(Map<String, String> query) {
        Map<String, List<String>> q = new HashMap<>();
        query.forEach((k, v) -> q.put(k, List.of(v)));
        return new InboundRequest("GET", "/webhook", Map.of(), q, null, "173.252.0.1");
    }

    @Test
    void describesTheChannel() {
        ChannelDescriptor d = connector.descriptor();
        assertThat(d.type()).isEqualTo("whatsapp-cloud");
        assertThat(d.capabilities()).containsExactlyInAnyOrder(ChannelCapability.MEDIA, ChannelCapability.TEMPLATES,
                ChannelCapability.INTERACTIVE, ChannelCapability.REACTIONS, ChannelCapability.READ_RECEIPTS,
                ChannelCapability.TYPING);
        assertThat(d.routingKey()).isEqualTo("phone_number_id");
        assertThat(d.sendRatePerSecond()).isEqualTo(80.0);
        assertThat(d.freeFormWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(d.maxTextLength()).isEqualTo(4096);
        for (String secret : List.of("access_token", "app_secret", "verify_token")) {
            assertThat(d.settingsSchema().find(secret).orElseThrow().secret()).isTrue();
        }
        assertThat(d.settingsSchema().find("phone_number_id").orElseThrow().secret()).isFalse();
        assertThat(connector.sendRatePerSecond(new Settings(Map.of("messages_per_second", "250")))).isEqualTo(250.0);
    }

    @Test
    void validatesWhatTheSchemaCannot() throws SettingsException {
        connector.validateSettings(ctx.settings());
        Map<String, String> bad = new HashMap<>(WhatsAppContext.defaults());
        bad.put("phone_number_id", "+55 11 9999");
        bad.put("waba_id", "abc");
        bad.put("graph_api_version", "23");
        bad.put("messages_per_second", "5000");
        bad.put("opt_out_keywords", "STOP\n  ");
        bad.put("opt_in_keywords", "stop");
        bad.put("graph_base_url", "https://graph.example/v23.0");
        assertThatThrownBy(() -> connector.validateSettings(new Settings(bad)))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.fieldErrors()).containsOnlyKeys(
                        "phone_number_id", "waba_id", "graph_api_version", "messages_per_second",
                        "opt_out_keywords", "opt_in_keywords", "graph_base_url"));
    }

    // Webhook -------------------------------------------------------------------------------------------------

    @Test
    void answersTheVerificationHandshakeOnlyForAKnownVerifyToken() {
        HttpAnswer ok = connector.handleInbound(get(Map.of("hub.mode", "subscribe", "hub.verify_token", "verify-1",
                "hub.challenge", "1158201444")), scope()).answer();
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.contentType()).startsWith("text/plain");
        assertThat(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo("1158201444");
        InboundResult wrong = connector.handleInbound(get(Map.of("hub.mode", "subscribe", "hub.verify_token",
                "guess", "hub.challenge", "1")), scope());
        assertThat(wrong.answer().status()).isEqualTo(403);
        assertThat(wrong.events()).isEmpty();
        assertThat(connector.handleInbound(get(Map.of("hub.mode", "unsubscribe", "hub.verify_token", "verify-1",
                "hub.challenge", "1")), scope()).answer().status()).isEqualTo(403);
    }

    @Test
    void storesSignedEventsBoundToTheNumbersInstance() {
        byte[] body = WebhookParserTest.resource("text.json");
        InboundResult r = connector.handleInbound(post(body, Signatures.sign(body, WhatsAppContext.APP_SECRET)), scope());
        assertThat(r.answer().status()).isEqualTo(200);
        assertThat(r.events()).singleElement().satisfies(e -> {
            assertThat(e.context()).isSameAs(ctx);
            assertThat(e.event()).isInstanceOf(MessageReceived.class);
        });
    }

    @Test
    void rejectsWebhookWithBadSignature() {
        byte[] body = WebhookParserTest.resource("text.json");
        assertUnauthorised(connector.handleInbound(post(body, Signatures.sign(body, "someone-else")), scope()));
        assertUnauthorised(connector.handleInbound(post(body, null), scope()));
        assertUnauthorised(connector.handleInbound(post(body, "sha256=abc"), scope()));
        byte[] altered = new String(body, StandardCharsets.UTF_8).replace("another color", "a discount")
                .getBytes(StandardCharsets.UTF_8);
        assertUnauthorised(connector.handleInbound(post(altered, Signatures.sign(body, WhatsAppContext.APP_SECRET)),
                scope()));
    }

    static void assertUnauthorised(InboundResult r) {
        assertThat(r.answer().status()).isEqualTo(401);
        assertThat(r.events()).isEmpty();
    }

    @Test
    void oneTenantsSecretCannotCarryEventsForAnotherTenantsNumber() {
        WhatsAppContext other = new WhatsAppContext("inst_2", Map.of("phone_number_id", "222", "app_secret", "secret-2"));
        String a = new String(WebhookParserTest.resource("text.json"), StandardCharsets.UTF_8);
        String both = a.replace("\"entry\": [", "\"entry\": [{\"id\":\"9\",\"changes\":[{\"field\":\"messages\","
                + "\"value\":{\"metadata\":{\"phone_number_id\":\"222\"},\"messages\":[{\"from\":\"5511\",\"id\":"
                + "\"wamid.injected\",\"timestamp\":\"1\",\"type\":\"text\",\"text\":{\"body\":\"x\"}}]}}]},");
        byte[] body = both.getBytes(StandardCharsets.UTF_8);
        InboundScope twoTenants = scope(Map.of(WhatsAppContext.PHONE_NUMBER_ID, ctx, "222", other));
        InboundResult r = connector.handleInbound(post(body, Signatures.sign(body, WhatsAppContext.APP_SECRET)),
                twoTenants);
        assertThat(r.answer().status()).isEqualTo(401);
        assertThat(r.events()).isEmpty();
    }

    @Test
    void ignoresChangesOfUnknownNumbers() {
        byte[] body = WebhookParserTest.resource("text.json");
        InboundResult r = connector.handleInbound(post(body, Signatures.sign(body, "whatever")), scope(Map.of()));
        assertThat(r.answer().status()).isEqualTo(200);
        assertThat(r.events()).isEmpty();
    }

    @Test
    void refusesABodyThatIsNotAWhatsAppPayload() {
        byte[] body = "{\"object\":\"instagram\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);
        InboundResult r = connector.handleInbound(post(body, Signatures.sign(body, WhatsAppContext.APP_SECRET)), scope());
        assertThat(r.answer().status()).isEqualTo(400);
        assertThat(r.events()).isEmpty();
        byte[] garbage = "<xml/>".getBytes(StandardCharsets.UTF_8);
        assertThat(connector.handleInbound(post(garbage, Signatures.sign(garbage, WhatsAppContext.APP_SECRET)), scope())
                .answer().status()).isEqualTo(400);
    }

    @Test
    void statusesAndKeywordsComeThroughTheRoute() {
        byte[] body = WebhookParserTest.resource("status_read.json");
        InboundResult r = connector.handleInbound(post(body, Signatures.sign(body, WhatsAppContext.APP_SECRET)), scope());
        assertThat(r.events()).singleElement().extracting(InboundResult.BoundEvent::event)
                .isInstanceOfSatisfying(DeliveryStatus.class, s -> assertThat(s.externalId())
                        .endsWith(":read"));
        byte[] optOut = WebhookParserTest.resource("opt_out.json");
        InboundResult o = connector.handleInbound(post(optOut, Signatures.sign(optOut, WhatsAppContext.APP_SECRET)),
                scope());
        assertThat(o.events()).hasSize(2);
        assertThat(((MessageReceived) o.events().get(0).event()).attributes())
                .containsEntry("auto_reply", "Você não receberá mais promoções.");
    }

    // Send ----------------------------------------------------------------------------------------------------

    static final String SENT = "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"16505551234\","
            + "\"wa_id\":\"16505551234\"}],\"messages\":[{\"id\":\"wamid.out1\"}]}";

    @Test
    void sendsATextToTheNumbersMessagesEndpointWithTheBearerToken() {
        ctx.answer(200, SENT);
        SendResult r = connector.send(new OutboundMessage("msg_1", "conv_1", "16505551234", Kind.TEXT, "Olá", Map.of()),
                ctx);
        assertThat(r).isEqualTo(new SendResult.Delivered("wamid.out1"));
        ScriptedHttp.Sent sent = ctx.requests().get(0);
        assertThat(sent.request().method()).isEqualTo("POST");
        assertThat(sent.request().uri().toString())
                .isEqualTo("https://graph.example.test/v23.0/106540352242922/messages");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer " + WhatsAppContext.TOKEN);
        assertThat(sent.header("Content-Type")).isEqualTo("application/json");
        assertThat(WhatsAppContext.json(sent)).containsEntry("type", "text").containsEntry("to", "16505551234");
        assertThat(ctx.metered()).isEmpty();
    }

    @Test
    void mapsGraphFailures() {
        ctx.answer(429, "{\"error\":{\"message\":\"(#130429) Rate limit hit\",\"type\":\"OAuthException\","
                + "\"code\":130429,\"fbtrace_id\":\"x\"}}", Map.of("Retry-After", "3"));
        assertThat(connector.send(new OutboundMessage("m", "c", "1", Kind.TEXT, "a", Map.of()), ctx))
                .isEqualTo(new SendResult.Retryable("130429", Optional.of(Duration.ofSeconds(3))));
        ctx.answer(400, "{\"error\":{\"message\":\"(#131047) Re-engagement message\",\"type\":\"OAuthException\","
                + "\"code\":131047,\"fbtrace_id\":\"x\"}}");
        assertThat(connector.send(new OutboundMessage("m", "c", "1", Kind.TEXT, "a", Map.of()), ctx))
                .isInstanceOfSatisfying(SendResult.Permanent.class, p -> assertThat(p.code()).isEqualTo("131047"));
    }

    @Test
    void aMessageThatLacksWhatItNeedsFailsWithoutACall() {
        assertThat(connector.send(new OutboundMessage("m", "c", "1", Kind.REACTION, null, Map.of()), ctx))
                .isInstanceOfSatisfying(SendResult.Permanent.class, p -> assertThat(p.code())
                        .isEqualTo("invalid_outbound"));
        assertThat(ctx.requests()).isEmpty();
    }

    @Test
    void readReceiptsAndTypingAreDeliveredOnSuccess() {
        ctx.answer(200, "{\"success\":true}");
        assertThat(connector.send(new OutboundMessage("m", "c", "1", Kind.TYPING, null, Map.of("message_id",
                "wamid.in")), ctx)).isEqualTo(new SendResult.Delivered("wamid.in:typing"));
        assertThat(WhatsAppContext.json(ctx.requests().get(0))).containsEntry("status", "read")
                .containsEntry("typing_indicator", Map.of("type", "text"));
    }

    @Test
    void leavesTheMeteringOfTemplateSendsToTheCore() {
        ctx.answer(200, SENT);
        OutboundMessage m = new OutboundMessage("msg_7", "c", "16505551234", Kind.TEMPLATE, null,
                Map.of("template_name", "hello_world", "template_language", "en_US", "template_category", "UTILITY"));
        assertThat(connector.send(m, ctx)).isEqualTo(new SendResult.Delivered("wamid.out1"));
        assertThat(ctx.metered()).as("the hub meters template sends for every channel").isEmpty();
    }

    @Test
    void uploadsAStoredFileOnceAndSendsItById() {
        ctx.storeMedia("med_1", "image/png", "receipt.png", new byte[] {9, 8, 7}, "16505551234");
        ctx.answer(200, "{\"id\":\"4490709327384033\"}").answer(200, SENT).answer(200, SENT);
        OutboundMessage m = new OutboundMessage("msg_2", "c", "16505551234", Kind.MEDIA, "Seu recibo",
                Map.of("hub_media_id", "med_1"));
        assertThat(connector.send(m, ctx)).isEqualTo(new SendResult.Delivered("wamid.out1"));
        ScriptedHttp.Sent upload = ctx.requests().get(0);
        assertThat(upload.request().uri().toString()).isEqualTo("https://graph.example.test/v23.0/106540352242922/media");
        assertThat(upload.header("Content-Type")).startsWith("multipart/form-data; boundary=");
        assertThat(upload.header("Authorization")).isEqualTo("Bearer " + WhatsAppContext.TOKEN);
        assertThat(new String(upload.body(), StandardCharsets.ISO_8859_1)).contains("name=\"messaging_product\"")
                .contains("name=\"type\"\r\n\r\nimage/png").contains("filename=\"receipt.png\"");
        assertThat(WhatsAppContext.json(ctx.requests().get(1))).containsEntry("type", "image")
                .containsEntry("image", Map.of("id", "4490709327384033", "caption", "Seu recibo"));
        // A retry of the same file reuses the upload.
        connector.send(m, ctx);
        assertThat(ctx.requests()).hasSize(3);
        assertThat(ctx.requests().get(2).request().uri().getPath()).endsWith("/messages");
    }

    @Test
    void aMissingStoredFileIsPermanent() {
        assertThat(connector.send(new OutboundMessage("m", "c", "1", Kind.MEDIA, null, Map.of("hub_media_id",
                "med_x")), ctx)).isEqualTo(new SendResult.Permanent("media_not_found",
                "the stored file no longer exists"));
    }

    // Templates -----------------------------------------------------------------------------------------------

    @Test
    void synchronisesAllPagesAndForgetsTemplatesMetaNoLongerReturns() {
        ctx.store().put("templates", "inst_1:old:pt_BR", TemplateStore.toJson(new MessageTemplate("old", "pt_BR",
                "MARKETING", "APPROVED", "[]")), Map.of("instance", "inst_1", "name", "old", "status", "APPROVED"),
                null);
        ctx.store().put("templates", "inst_9:other:pt_BR", "{}", Map.of("instance", "inst_9"), null);
        ctx.answer(200, "{\"data\":[{\"name\":\"order_update\",\"language\":\"pt_BR\",\"category\":\"UTILITY\","
                + "\"status\":\"APPROVED\",\"components\":" + TemplateRulesTest.COMPONENTS + ",\"id\":\"1\"}],"
                + "\"paging\":{\"cursors\":{\"before\":\"QVFI\",\"after\":\"QVFJ\"},\"next\":"
                + "\"https://graph.example.test/v23.0/102290129340398/message_templates?limit=100&after=QVFJ\"}}");
        ctx.answer(200, "{\"data\":[{\"name\":\"promo\",\"language\":\"pt_BR\",\"category\":\"MARKETING\","
                + "\"status\":\"PENDING\",\"components\":[]}],\"paging\":{\"cursors\":{\"before\":\"a\",\"after\":\"b\"}}}");
        List<MessageTemplate> templates = connector.syncTemplates(ctx);
        assertThat(templates).extracting(MessageTemplate::name).containsExactly("order_update", "promo");
        assertThat(ctx.requests().get(0).request().uri().toString()).isEqualTo("https://graph.example.test/v23.0/"
                + "102290129340398/message_templates?fields=name,language,category,status,components&limit=100");
        assertThat(ctx.requests().get(1).request().uri().getQuery()).contains("after=QVFJ");
        assertThat(ctx.requests()).allSatisfy(s -> assertThat(s.header("Authorization"))
                .isEqualTo("Bearer " + WhatsAppContext.TOKEN));
        assertThat(ctx.documents()).containsKeys("templates/inst_1:order_update:pt_BR", "templates/inst_1:promo:pt_BR",
                "templates/inst_9:other:pt_BR").doesNotContainKey("templates/inst_1:old:pt_BR");
        assertThat(ctx.documents().get("templates/inst_1:promo:pt_BR").attributes())
                .containsEntry("instance", "inst_1").containsEntry("name", "promo").containsEntry("status", "PENDING");
        assertThat(connector.templates(ctx)).extracting(MessageTemplate::name)
                .containsExactlyInAnyOrder("order_update", "promo");
        assertThat(connector.templates(ctx).stream().filter(t -> t.name().equals("order_update")).findFirst()
                .orElseThrow().componentsJson()).contains("{{2}}");
    }

    @Test
    void aFailedSyncKeepsTheTemplatesAlreadyStored() {
        TemplateStore.replace(ctx.store(), "inst_1", List.of(TemplateRulesTest.ORDER));
        ctx.answer(401, "{\"error\":{\"message\":\"Error validating access token\",\"type\":\"OAuthException\","
                + "\"code\":190,\"fbtrace_id\":\"x\"}}");
        assertThatThrownBy(() -> connector.syncTemplates(ctx)).hasMessageContaining("HTTP 401")
                .hasMessageContaining("190").hasMessageNotContaining(WhatsAppContext.TOKEN);
        assertThat(connector.templates(ctx)).hasSize(1);
    }

    @Test
    void followsPagingWithTheCursorWhenNextPointsElsewhere() {
        ctx.answer(200, "{\"data\":[],\"paging\":{\"cursors\":{\"after\":\"C2\"},\"next\":"
                + "\"https://evil.example/steal?after=C2\"}}").answer(200, "{\"data\":[]}");
        connector.syncTemplates(ctx);
        assertThat(ctx.requests().get(1).request().uri().getHost()).isEqualTo("graph.example.test");
        assertThat(ctx.requests().get(1).request().uri().getQuery()).endsWith("&after=C2");
    }

    @Test
    void checksTemplateMessagesAgainstTheStoredTemplate() {
        TemplateStore.replace(ctx.store(), "inst_1", List.of(TemplateRulesTest.ORDER));
        Map<String, String> a = new HashMap<>(Map.of("template_name", "order_update", "template_language", "pt_BR",
                "template_parameters", TemplateRulesTest.VALID));
        assertThat(connector.checkOutbound(new OutboundMessage("m", "c", "1", Kind.TEMPLATE, null, a), ctx))
                .isEqualTo(OutboundCheck.accepted("UTILITY"));
        a.put("template_language", "en_US");
        assertThat(connector.checkOutbound(new OutboundMessage("m", "c", "1", Kind.TEMPLATE, null, a), ctx).code())
                .isEqualTo("template_not_found");
        a.put("template_language", "pt_BR");
        a.put("template_parameters", "{\"body\":[]}");
        assertThat(connector.checkOutbound(new OutboundMessage("m", "c", "1", Kind.TEMPLATE, null, a), ctx).code())
                .isEqualTo("invalid_template_parameters");
        a.put("template_parameters", "{\"body\":\"x\"}");
        assertThat(connector.checkOutbound(new OutboundMessage("m", "c", "1", Kind.TEMPLATE, null, a), ctx).details())
                .containsKey("body");
        assertThat(connector.checkOutbound(new OutboundMessage("m", "c", "1", Kind.TEMPLATE, null,
                Map.of("template_name", "x")), ctx).code()).isEqualTo("invalid_outbound");
    }

    @Test
    void checksTheRequiredAttributesOfOtherKinds() {
        assertThat(connector.checkOutbound(new OutboundMessage("m", "c", "1", Kind.TEXT, "oi", Map.of()), ctx)
                .accepted()).isTrue();
        assertThat(connector.checkOutbound(new OutboundMessage("m", "c", "1", Kind.MARK_READ, null, Map.of()), ctx)
                .code()).isEqualTo("invalid_outbound");
        assertThat(connector.checkOutbound(new OutboundMessage("m", "c", "1", Kind.MEDIA, null,
                Map.of("media_type", "image", "link", "ftp://x/y.png")), ctx).code()).isEqualTo("invalid_outbound");
        assertThat(connector.checkOutbound(new OutboundMessage("m", "c", "1", Kind.MEDIA, null,
                Map.of("hub_media_id", "med_none")), ctx).code()).isEqualTo("invalid_outbound");
        ctx.storeMedia("med_1", "application/pdf", "a.pdf", new byte[] {1}, "16505551234");
        assertThat(connector.checkOutbound(new OutboundMessage("m", "c", "1", Kind.MEDIA, null,
                Map.of("hub_media_id", "med_1")), ctx).accepted()).isTrue();
        assertThat(ctx.requests()).isEmpty();
    }

    // Inbound media -------------------------------------------------------------------------------------------

    @Test
    void fetchesInboundMediaThroughItsUrlWithTheToken() {
        ctx.answer(200, "{\"messaging_product\":\"whatsapp\",\"url\":\"https://lookaside.fbsbx.com/whatsapp_business/"
                + "attachments/?mid=1003383421387256&ext=1&hash=x\",\"mime_type\":\"image/jpeg\",\"sha256\":\"abc\","
                + "\"file_size\":\"3\",\"id\":\"1003383421387256\"}").answerBytes(200, new byte[] {1, 2, 3});
        MessageReceived image = (MessageReceived) WebhookParserTest.events("image.json").get(0);
        FetchedMedia media = connector.fetchMedia(image, ctx).orElseThrow();
        assertThat(media.contentType()).isEqualTo("image/jpeg");
        assertThat(media.content()).containsExactly(1, 2, 3);
        assertThat(ctx.requests().get(0).request().uri().toString())
                .isEqualTo("https://graph.example.test/v23.0/1003383421387256");
        assertThat(ctx.requests().get(1).request().uri().getHost()).isEqualTo("lookaside.fbsbx.com");
        assertThat(ctx.requests()).allSatisfy(s -> assertThat(s.header("Authorization"))
                .isEqualTo("Bearer " + WhatsAppContext.TOKEN));
    }

    @Test
    void skipsMediaOverTheSizeCapAndMessagesWithoutMedia() {
        ctx.answer(200, "{\"url\":\"https://lookaside.fbsbx.com/x\",\"mime_type\":\"video/mp4\",\"file_size\":"
                + (WhatsAppConnector.MAX_MEDIA_BYTES + 1) + ",\"id\":\"1\"}");
        MessageReceived video = (MessageReceived) WebhookParserTest.events("video.json").get(0);
        assertThat(connector.fetchMedia(video, ctx)).isEmpty();
        assertThat(ctx.requests()).hasSize(1);
        assertThat(connector.fetchMedia((MessageReceived) WebhookParserTest.events("text.json").get(0), ctx))
                .isEmpty();
    }

    @Test
    void neverSendsTheTokenToAPlainHttpUrlOfAnotherHost() {
        ctx.answer(200, "{\"url\":\"http://attacker.example/x\",\"mime_type\":\"image/jpeg\",\"id\":\"1\"}");
        MessageReceived image = (MessageReceived) WebhookParserTest.events("image.json").get(0);
        assertThatThrownBy(() -> connector.fetchMedia(image, ctx)).isInstanceOf(IllegalStateException.class);
        assertThat(ctx.requests()).hasSize(1);
    }
}
