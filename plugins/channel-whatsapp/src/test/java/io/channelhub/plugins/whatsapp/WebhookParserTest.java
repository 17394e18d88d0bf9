package io.channelhub.plugins.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.InboundEvent;
import io.channelhub.plugin.channel.ContactUpdate;
import io.channelhub.plugin.channel.DeliveryStatus;
import io.channelhub.plugin.channel.MessageReceived;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The messages webhook, on payloads shaped like Meta's documented examples (test resources under webhooks/). */
class WebhookParserTest {

    static final ConsentKeywords KEYWORDS = new ConsentKeywords(WhatsAppSettings.DEFAULT_OPT_OUT,
            WhatsAppSettings.DEFAULT_OPT_IN, "Saiu das promoções.", "");
    static final Instant NOW = Instant.parse("2025-06-09T12:00:00Z");

    static byte[] resource(String name) {
        try (InputStream in = WebhookParserTest.class.getResourceAsStream("/webhooks/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<InboundEvent> events(String resource) {
        List<WebhookParser.Change> changes = WebhookParser.changes(resource(resource));
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).phoneNumberId()).isEqualTo("106540352242922");
        return WebhookParser.events(changes.get(0), KEYWORDS, waId -> true, NOW);
    }

    static MessageReceived message(String resource) {
        List<InboundEvent> events = events(resource);
        assertThat(events).hasSize(1);
        return (MessageReceived) events.get(0);
    }

    @Test
    void readsATextMessageWithSenderNameAndTimestamp() {
        MessageReceived m = message("text.json");
        assertThat(m.externalId()).isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
        assertThat(m.contactExternalId()).isEqualTo("16505551234");
        assertThat(m.contactName()).isEqualTo("Sheena Nelson");
        assertThat(m.kind()).isEqualTo(MessageReceived.Kind.TEXT);
        assertThat(m.text()).isEqualTo("Does it come in another color?");
        assertThat(m.sentAt()).isEqualTo(Instant.ofEpochSecond(1749416383L));
        assertThat(m.attributes()).isEmpty();
    }

    @Test
    void keepsTheQuotedMessageOfAReply() {
        assertThat(message("text_reply.json").attributes())
                .containsEntry("context_message_id", "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1QjJGRjI1RDY0RkE4Nzg4QzcA");
    }

    @Test
    void readsMediaMessagesWithIdMimeTypeHashCaptionAndFileName() {
        MessageReceived image = message("image.json");
        assertThat(image.kind()).isEqualTo(MessageReceived.Kind.IMAGE);
        assertThat(image.text()).isEqualTo("The lamp");
        assertThat(image.attributes()).containsEntry("media_id", "1003383421387256")
                .containsEntry("mime_type", "image/jpeg")
                .containsEntry("sha256", "SfInY0gGxjFc7bVGbIZ/ieXJ7Ln+5R0FYUnVTTq2HV4=")
                .containsEntry("caption", "The lamp");

        MessageReceived audio = message("audio.json");
        assertThat(audio.kind()).isEqualTo(MessageReceived.Kind.AUDIO);
        assertThat(audio.text()).isEmpty();
        assertThat(audio.attributes()).containsEntry("media_id", "1181342623557357")
                .containsEntry("mime_type", "audio/ogg; codecs=opus").doesNotContainKey("caption");

        assertThat(message("video.json").kind()).isEqualTo(MessageReceived.Kind.VIDEO);
        assertThat(message("video.json").attributes()).containsEntry("media_id", "1133440238347542");

        MessageReceived document = message("document.json");
        assertThat(document.kind()).isEqualTo(MessageReceived.Kind.DOCUMENT);
        assertThat(document.attributes()).containsEntry("filename", "receipt.pdf")
                .containsEntry("mime_type", "application/pdf").containsEntry("caption", "Receipt");

        MessageReceived sticker = message("sticker.json");
        assertThat(sticker.kind()).isEqualTo(MessageReceived.Kind.STICKER);
        assertThat(sticker.attributes()).containsEntry("media_id", "1228131692071003")
                .containsEntry("mime_type", "image/webp");
    }

    @Test
    void readsALocationWithCoordinatesNameAndAddress() {
        MessageReceived m = message("location.json");
        assertThat(m.kind()).isEqualTo(MessageReceived.Kind.LOCATION);
        assertThat(m.attributes()).containsEntry("latitude", "37.44211676562361")
                .containsEntry("longitude", "-122.16155960083124")
                .containsEntry("location_name", "Philz Coffee")
                .containsEntry("address", "101 Forest Ave, Palo Alto, CA 94301");
        assertThat(m.text()).contains("Philz Coffee").contains("37.44211676562361");
    }

    @Test
    void rendersSharedContactsAsText() {
        MessageReceived m = message("contacts.json");
        assertThat(m.kind()).isEqualTo(MessageReceived.Kind.CONTACTS);
        assertThat(m.text()).isEqualTo("Barbara J. Johnson: +1 (650) 555-1234");
    }

    @Test
    void readsButtonAndListRepliesAndTemplateButtons() {
        MessageReceived button = message("button_reply.json");
        assertThat(button.kind()).isEqualTo(MessageReceived.Kind.INTERACTIVE);
        assertThat(button.text()).isEqualTo("Change");
        assertThat(button.attributes()).containsEntry("reply_id", "change-button")
                .containsEntry("reply_title", "Change").containsEntry("context_message_id", "wamid.question1");

        MessageReceived list = message("list_reply.json");
        assertThat(list.kind()).isEqualTo(MessageReceived.Kind.INTERACTIVE);
        assertThat(list.attributes()).containsEntry("reply_id", "priority_express")
                .containsEntry("reply_title", "Priority Mail Express");

        MessageReceived template = message("button.json");
        assertThat(template.kind()).isEqualTo(MessageReceived.Kind.INTERACTIVE);
        assertThat(template.attributes()).containsEntry("reply_id", "Stop promotions")
                .containsEntry("reply_title", "Stop promotions").containsEntry("context_message_id",
                        "wamid.template1");
    }

    @Test
    void readsReactionsAndTheirRemoval() {
        MessageReceived r = message("reaction.json");
        assertThat(r.kind()).isEqualTo(MessageReceived.Kind.REACTION);
        assertThat(r.attributes()).containsEntry("reaction_message_id", "wamid.outbound1")
                .containsEntry("reaction_emoji", "\uD83D\uDE00");
        assertThat(r.text()).isEqualTo("\uD83D\uDE00");

        MessageReceived removed = message("reaction_removed.json");
        assertThat(removed.attributes()).containsEntry("reaction_message_id", "wamid.outbound1")
                .containsEntry("reaction_removed", "true").doesNotContainKey("reaction_emoji");
    }

    @Test
    void mapsUnsupportedMessagesToOther() {
        MessageReceived m = message("unsupported.json");
        assertThat(m.kind()).isEqualTo(MessageReceived.Kind.OTHER);
        assertThat(m.attributes()).containsEntry("whatsapp_type", "unsupported").containsEntry("error_code",
                "131051");
    }

    @Test
    void readsEachStatusOnceByMessageAndState() {
        for (String state : List.of("sent", "delivered", "read")) {
            List<InboundEvent> events = events("status_" + state + ".json");
            assertThat(events).hasSize(1);
            DeliveryStatus s = (DeliveryStatus) events.get(0);
            assertThat(s.externalMessageId()).isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA");
            assertThat(s.externalId()).isEqualTo(s.externalMessageId() + ":" + state);
            assertThat(s.state().name()).isEqualToIgnoringCase(state);
            assertThat(s.errorCode()).isNull();
        }
        assertThat(((DeliveryStatus) events("status_read.json").get(0)).at())
                .isEqualTo(Instant.ofEpochSecond(1750263775L));
    }

    @Test
    void aFailedStatusCarriesTheFirstErrorsCodeTitleAndDetails() {
        List<InboundEvent> events = events("status_failed_131047.json");
        assertThat(events).singleElement().isEqualTo(new DeliveryStatus("wamid.failed1:failed", "wamid.failed1",
                DeliveryStatus.State.FAILED, "131047", Instant.ofEpochSecond(1750263776L), "Re-engagement message",
                "Message failed to send because more than 24 hours have passed since the customer last replied to "
                        + "this number."));
    }

    @Test
    void aFailureBecauseTheUserStoppedMarketingWithdrawsMarketingConsent() {
        List<InboundEvent> events = events("status_failed_131050.json");
        assertThat(events).hasSize(2);
        assertThat(((DeliveryStatus) events.get(0)).errorCode()).isEqualTo("131050");
        ContactUpdate u = (ContactUpdate) events.get(1);
        assertThat(u.externalId()).isEqualTo("wamid.failed1:failed:contact");
        assertThat(u.contactExternalId()).isEqualTo("16505551234");
        assertThat(u.consentPurpose()).isEqualTo("marketing");
        assertThat(u.consentStatus()).isEqualTo(Contacts.ConsentStatus.WITHDRAWN);
        assertThat(u.reachability()).isNull();
        assertThat(u.method()).isEqualTo("whatsapp:131050");
        assertThat(Json.object(u.evidence())).containsEntry("error_code", "131050")
                .containsEntry("message_id", "wamid.failed1");
    }

    @Test
    void anUndeliverableFailureMarksTheContactUnreachable() {
        List<InboundEvent> events = events("status_failed_131026.json");
        assertThat(events).hasSize(2);
        ContactUpdate u = (ContactUpdate) events.get(1);
        assertThat(u.reachability()).isEqualTo(ContactUpdate.Reachability.UNREACHABLE);
        assertThat(u.consentPurpose()).isNull();
        assertThat(u.method()).isEqualTo("whatsapp:131026");
    }

    @Test
    void skipsStatusesTheHubDoesNotTrack() {
        assertThat(events("status_deleted.json")).isEmpty();
    }

    @Test
    void anOptOutKeywordSkipsTheAgentRepliesAndWithdrawsConsent() {
        List<InboundEvent> events = events("opt_out.json");
        assertThat(events).hasSize(2);
        MessageReceived m = (MessageReceived) events.get(0);
        assertThat(m.text()).isEqualTo("  parar ");
        assertThat(m.attributes()).containsEntry("skip_agent", "true")
                .containsEntry("auto_reply", "Saiu das promoções.");
        ContactUpdate u = (ContactUpdate) events.get(1);
        assertThat(u).isEqualTo(new ContactUpdate("wamid.optout1:consent", "16505551234", "marketing",
                Contacts.ConsentStatus.WITHDRAWN, null, "whatsapp:keyword",
                "{\"keyword\":\"PARAR\",\"message_id\":\"wamid.optout1\"}", Instant.ofEpochSecond(1744344509L)));
    }

    @Test
    void anOptInKeywordGrantsConsentWithoutAReplyWhenTheReplyIsEmpty() {
        List<InboundEvent> events = events("opt_in.json");
        assertThat(events).hasSize(2);
        assertThat(((MessageReceived) events.get(0)).attributes()).containsEntry("skip_agent", "true")
                .doesNotContainKey("auto_reply");
        assertThat(((ContactUpdate) events.get(1)).consentStatus()).isEqualTo(Contacts.ConsentStatus.GRANTED);
    }

    @Test
    void anOptInKeywordCountsOnlyForAContactWhoOptedOut() {
        assertThat(KEYWORDS.match("sim", () -> false)).as("'sim' is also 'yes': an answer for the agent").isEmpty();
        assertThat(KEYWORDS.match("sim", () -> true)).hasValueSatisfying(m ->
                assertThat(m.status()).isEqualTo(Contacts.ConsentStatus.GRANTED));
        assertThat(KEYWORDS.match("STOP", () -> false)).as("opting out works for everyone").isPresent();
        assertThat(KEYWORDS.match("Bom dia, quero um orçamento", () -> {
            throw new AssertionError("consent was looked up for a text that is no keyword");
        })).isEmpty();
    }

    @Test
    void onlyATextMessageThatIsExactlyAKeywordCounts() {
        ConsentKeywords k = KEYWORDS;
        assertThat(k.match("STOP", () -> true)).isPresent();
        assertThat(k.match(" stop\n", () -> true)).isPresent();
        assertThat(k.match("please stop", () -> true)).isEmpty();
        assertThat(k.match("stopp", () -> true)).isEmpty();
        assertThat(k.match("", () -> true)).isEmpty();
        assertThat(k.match(null, () -> true)).isEmpty();
        // A template's "Stop promotions" quick reply is a button, not a keyword text.
        assertThat(events("button.json")).hasSize(1);
    }

    @Test
    void readsEveryMessagesChangeOfEveryEntryAndIgnoresOtherFields() {
        String body = "{\"object\":\"whatsapp_business_account\",\"entry\":["
                + "{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"111\"},"
                + "\"messages\":[{\"from\":\"5511\",\"id\":\"wamid.a\",\"timestamp\":\"1\",\"type\":\"text\",\"text\":{\"body\":\"a\"}}]}},"
                + "{\"field\":\"message_template_status_update\",\"value\":{\"event\":\"APPROVED\"}}]},"
                + "{\"id\":\"2\",\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"222\"},"
                + "\"statuses\":[]}}]}]}";
        List<WebhookParser.Change> changes = WebhookParser.changes(body.getBytes(StandardCharsets.UTF_8));
        assertThat(changes).extracting(WebhookParser.Change::phoneNumberId).containsExactly("111", "222");
    }

    @Test
    void refusesBodiesThatAreNotWhatsAppPayloads() {
        for (String body : List.of("not json", "[]", "{\"object\":\"page\",\"entry\":[]}", "{\"object\":"
                + "\"whatsapp_business_account\"}")) {
            assertThatThrownBy(() -> WebhookParser.changes(body.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void skipsMessagesWithoutIdsAndFallsBackToNowForABadTimestamp() {
        WebhookParser.Change change = new WebhookParser.Change("1", Json.object("{\"messages\":["
                + "{\"from\":\"5511\",\"type\":\"text\",\"text\":{\"body\":\"no id\"}},"
                + "{\"id\":\"wamid.b\",\"from\":\"5511\",\"timestamp\":\"soon\",\"type\":\"text\",\"text\":{\"body\":\"x\"}}]}"));
        List<InboundEvent> events = WebhookParser.events(change, KEYWORDS, waId -> true, NOW);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.externalId()).isEqualTo("wamid.b");
            assertThat(((MessageReceived) e).sentAt()).isEqualTo(NOW);
            assertThat(((MessageReceived) e).contactName()).isNull();
        });
    }
}
