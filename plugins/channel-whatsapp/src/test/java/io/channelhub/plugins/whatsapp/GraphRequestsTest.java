package io.channelhub.plugins.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.channel.OutboundMessage;
import io.channelhub.plugin.channel.OutboundMessage.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request bodies, compared with the shapes of Meta's Messages API reference. */
class GraphRequestsTest {

    static OutboundMessage message(Kind kind, String text, Map<String, String> attributes) {
        return new OutboundMessage("msg_1", "conv_1", "16505551234", kind, text, attributes);
    }

    static String body(Kind kind, String text, Map<String, String> attributes) {
        return GraphRequests.message(message(kind, text, attributes), null, null);
    }

    @Test
    void text() {
        assertThat(body(Kind.TEXT, "Olá!", Map.of())).isEqualTo("{\"messaging_product\":\"whatsapp\","
                + "\"recipient_type\":\"individual\",\"to\":\"16505551234\",\"type\":\"text\","
                + "\"text\":{\"body\":\"Olá!\",\"preview_url\":false}}");
        assertThat(Json.object(body(Kind.TEXT, "Sim", Map.of("reply_to", "wamid.q"))))
                .containsEntry("context", Map.of("message_id", "wamid.q"));
    }

    @Test
    void mediaByIdOrLinkWithCaptionAndFileNameWhereMetaAllowsThem() {
        assertThat(body(Kind.MEDIA, "A lâmpada", Map.of("media_type", "image", "media_id", "1003383421387256")))
                .isEqualTo("{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\","
                        + "\"to\":\"16505551234\",\"type\":\"image\",\"image\":{\"id\":\"1003383421387256\","
                        + "\"caption\":\"A lâmpada\"}}");
        assertThat(Json.object(body(Kind.MEDIA, "Recibo", Map.of("media_type", "document", "link",
                "https://cdn.example/r.pdf", "filename", "r.pdf"))))
                .containsEntry("type", "document")
                .containsEntry("document", Map.of("link", "https://cdn.example/r.pdf", "caption", "Recibo",
                        "filename", "r.pdf"));
        assertThat(Json.object(body(Kind.MEDIA, "ignored", Map.of("media_type", "audio", "media_id", "9"))))
                .containsEntry("audio", Map.of("id", "9"));
        assertThat(Json.object(GraphRequests.message(message(Kind.MEDIA, null, Map.of("media_type", "sticker",
                "hub_media_id", "med_1")), "42", null))).containsEntry("sticker", Map.of("id", "42"));
    }

    @Test
    void templateWithHeaderBodyAndButtons() {
        String parameters = "{\"header\":{\"type\":\"image\",\"link\":\"https://cdn.example/p.jpg\"},"
                + "\"body\":[\"Ana\",\"amanhã\"],\"buttons\":[{\"index\":0,\"sub_type\":\"quick_reply\","
                + "\"parameter\":\"STOP\"},{\"index\":1,\"sub_type\":\"url\",\"parameter\":\"abc\"}]}";
        String body = body(Kind.TEMPLATE, null, Map.of("template_name", "order_update", "template_language",
                "pt_BR", "template_parameters", parameters));
        assertThat(body).isEqualTo("{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\","
                + "\"to\":\"16505551234\",\"type\":\"template\",\"template\":{\"name\":\"order_update\","
                + "\"language\":{\"code\":\"pt_BR\"},\"components\":["
                + "{\"type\":\"header\",\"parameters\":[{\"type\":\"image\",\"image\":{\"link\":\"https://cdn.example/p.jpg\"}}]},"
                + "{\"type\":\"body\",\"parameters\":[{\"type\":\"text\",\"text\":\"Ana\"},{\"type\":\"text\",\"text\":\"amanhã\"}]},"
                + "{\"type\":\"button\",\"sub_type\":\"quick_reply\",\"index\":\"0\",\"parameters\":[{\"type\":\"payload\",\"payload\":\"STOP\"}]},"
                + "{\"type\":\"button\",\"sub_type\":\"url\",\"index\":\"1\",\"parameters\":[{\"type\":\"text\",\"text\":\"abc\"}]}]}}");
        assertThat(body(Kind.TEMPLATE, null, Map.of("template_name", "hello_world", "template_language", "en_US")))
                .isEqualTo("{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":"
                        + "\"16505551234\",\"type\":\"template\",\"template\":{\"name\":\"hello_world\","
                        + "\"language\":{\"code\":\"en_US\"}}}");
    }

    @Test
    void namedTemplateParametersCarryTheirNames() {
        TemplateRules.Shape shape = TemplateRules.Shape.of("[{\"type\":\"HEADER\",\"format\":\"TEXT\",\"text\":"
                + "\"Pedido {{order}}\"},{\"type\":\"BODY\",\"text\":\"Oi {{first_name}}, chega {{day}}\"}]");
        String body = GraphRequests.message(message(Kind.TEMPLATE, null, Map.of("template_name", "t",
                "template_language", "pt_BR", "template_parameters", "{\"header\":{\"type\":\"text\",\"text\":"
                        + "\"7\"},\"body\":[\"Ana\",\"sexta\"]}")), null, shape);
        assertThat(body).contains("{\"type\":\"text\",\"parameter_name\":\"order\",\"text\":\"7\"}")
                .contains("{\"type\":\"text\",\"parameter_name\":\"first_name\",\"text\":\"Ana\"},"
                        + "{\"type\":\"text\",\"parameter_name\":\"day\",\"text\":\"sexta\"}");
    }

    @Test
    void interactiveReactionReadReceiptAndTypingIndicator() {
        String interactive = "{\"type\":\"button\",\"body\":{\"text\":\"Confirma?\"},\"action\":{\"buttons\":"
                + "[{\"type\":\"reply\",\"reply\":{\"id\":\"yes\",\"title\":\"Sim\"}}]}}";
        assertThat(body(Kind.INTERACTIVE, null, Map.of("interactive", interactive)))
                .isEqualTo("{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":"
                        + "\"16505551234\",\"type\":\"interactive\",\"interactive\":" + interactive + "}");
        assertThat(body(Kind.REACTION, null, Map.of("message_id", "wamid.in", "emoji", "\uD83D\uDC4D")))
                .isEqualTo("{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":"
                        + "\"16505551234\",\"type\":\"reaction\",\"reaction\":{\"message_id\":\"wamid.in\","
                        + "\"emoji\":\"\uD83D\uDC4D\"}}");
        assertThat(body(Kind.MARK_READ, null, Map.of("message_id", "wamid.in")))
                .isEqualTo("{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\"wamid.in\"}");
        assertThat(body(Kind.TYPING, null, Map.of("message_id", "wamid.in")))
                .isEqualTo("{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\"wamid.in\","
                        + "\"typing_indicator\":{\"type\":\"text\"}}");
    }

    @Test
    void refusesMessagesThatLackWhatTheirKindNeeds() {
        assertThatThrownBy(() -> body(Kind.TEXT, "", Map.of())).isInstanceOf(GraphRequests.Invalid.class);
        assertThatThrownBy(() -> body(Kind.MEDIA, null, Map.of("media_type", "gif", "media_id", "1")))
                .isInstanceOf(GraphRequests.Invalid.class);
        assertThatThrownBy(() -> body(Kind.MEDIA, null, Map.of("media_type", "image")))
                .isInstanceOf(GraphRequests.Invalid.class);
        assertThatThrownBy(() -> body(Kind.TEMPLATE, null, Map.of("template_name", "x")))
                .isInstanceOf(GraphRequests.Invalid.class);
        assertThatThrownBy(() -> body(Kind.INTERACTIVE, null, Map.of("interactive", "{\"body\":{}}")))
                .isInstanceOf(GraphRequests.Invalid.class);
        assertThatThrownBy(() -> body(Kind.REACTION, null, Map.of("emoji", "x")))
                .isInstanceOf(GraphRequests.Invalid.class);
        assertThatThrownBy(() -> body(Kind.MARK_READ, null, Map.of())).isInstanceOf(GraphRequests.Invalid.class);
        assertThatThrownBy(() -> GraphRequests.message(new OutboundMessage("m", "c", null, Kind.TEXT, "x",
                Map.of()), null, null)).isInstanceOf(GraphRequests.Invalid.class);
    }

    @Test
    void multipartUploadHasTheThreeDocumentedFields() {
        GraphRequests.Multipart m = GraphRequests.upload("b0undary", "image/png", "a\"b.png", new byte[] {1, 2, 3});
        assertThat(m.contentType()).isEqualTo("multipart/form-data; boundary=b0undary");
        String text = new String(m.body(), StandardCharsets.ISO_8859_1);
        assertThat(text).isEqualTo("--b0undary\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\n"
                + "whatsapp\r\n--b0undary\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nimage/png\r\n"
                + "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a_b.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n\u0001\u0002\u0003\r\n--b0undary--\r\n");
    }

    @Test
    void infersTheMediaTypeOfAStoredFile() {
        assertThat(GraphRequests.mediaTypeOf("image/jpeg")).isEqualTo("image");
        assertThat(GraphRequests.mediaTypeOf("image/webp")).isEqualTo("sticker");
        assertThat(GraphRequests.mediaTypeOf("audio/ogg")).isEqualTo("audio");
        assertThat(GraphRequests.mediaTypeOf("video/mp4")).isEqualTo("video");
        assertThat(GraphRequests.mediaTypeOf("application/pdf")).isEqualTo("document");
    }
}
