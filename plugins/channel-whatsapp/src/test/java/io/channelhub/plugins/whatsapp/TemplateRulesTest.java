package io.channelhub.plugins.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.channel.MessageTemplate;
import io.channelhub.plugin.channel.OutboundCheck;
import org.junit.jupiter.api.Test;

class TemplateRulesTest {

    /** An order update as Meta lists it: text header with one placeholder, body with two, a quick reply, a URL. */
    static final String COMPONENTS = "[{\"type\":\"HEADER\",\"format\":\"TEXT\",\"text\":\"Pedido {{1}}\"},"
            + "{\"type\":\"BODY\",\"text\":\"Oi {{1}}, seu pedido chega em {{2}}. Obrigado, {{1}}!\"},"
            + "{\"type\":\"FOOTER\",\"text\":\"Loja\"},"
            + "{\"type\":\"BUTTONS\",\"buttons\":[{\"type\":\"QUICK_REPLY\",\"text\":\"Parar promoções\"},"
            + "{\"type\":\"URL\",\"text\":\"Rastrear\",\"url\":\"https://loja.example/r/{{1}}\"},"
            + "{\"type\":\"PHONE_NUMBER\",\"text\":\"Ligar\",\"phone_number\":\"+5511999990000\"}]}]";
    static final MessageTemplate ORDER = new MessageTemplate("order_update", "pt_BR", "UTILITY", "APPROVED",
            COMPONENTS);
    static final MessageTemplate PROMO = new MessageTemplate("promo", "pt_BR", "MARKETING", "APPROVED",
            "[{\"type\":\"HEADER\",\"format\":\"IMAGE\",\"example\":{\"header_handle\":[\"https://x\"]}},"
                    + "{\"type\":\"BODY\",\"text\":\"Só hoje!\"}]");

    static OutboundCheck check(MessageTemplate t, String parameters) {
        return TemplateRules.check(t, TemplateParameters.parse(parameters));
    }

    static final String VALID = "{\"header\":{\"type\":\"text\",\"text\":\"123\"},\"body\":[\"Ana\",\"amanhã\"],"
            + "\"buttons\":[{\"index\":1,\"sub_type\":\"url\",\"parameter\":\"abc\"},"
            + "{\"index\":0,\"sub_type\":\"quick_reply\",\"parameter\":\"STOP\"}]}";

    @Test
    void acceptsMatchingParametersWithTheTemplatesCategory() {
        assertThat(check(ORDER, VALID)).isEqualTo(OutboundCheck.accepted("UTILITY"));
        assertThat(check(PROMO, "{\"header\":{\"type\":\"image\",\"link\":\"https://cdn.example/p.jpg\"}}"))
                .isEqualTo(OutboundCheck.accepted("MARKETING"));
    }

    @Test
    void refusesATemplateThatIsNotApproved() {
        OutboundCheck c = check(new MessageTemplate("order_update", "pt_BR", "UTILITY", "PAUSED", COMPONENTS),
                VALID);
        assertThat(c.accepted()).isFalse();
        assertThat(c.code()).isEqualTo("template_not_approved");
        assertThat(c.details()).containsEntry("status", "PAUSED");
    }

    @Test
    void refusesABodyWithTheWrongNumberOfParameters() {
        OutboundCheck c = check(ORDER, VALID.replace("[\"Ana\",\"amanhã\"]", "[\"Ana\"]"));
        assertThat(c.code()).isEqualTo("invalid_template_parameters");
        assertThat(c.details()).containsOnlyKeys("body");
        assertThat(c.details().get("body")).contains("needs 2").contains("got 1");
        assertThat(check(ORDER, VALID.replace("[\"Ana\",\"amanhã\"]", "[\"Ana\",\"\"]")).details())
                .containsOnlyKeys("body");
    }

    @Test
    void refusesAMissingOrMismatchedHeader() {
        assertThat(check(ORDER, VALID.replace("\"header\":{\"type\":\"text\",\"text\":\"123\"},", "")).details())
                .containsOnlyKeys("header");
        assertThat(check(ORDER, VALID.replace("{\"type\":\"text\",\"text\":\"123\"}",
                "{\"type\":\"image\",\"link\":\"https://x/y.png\"}")).details()).containsOnlyKeys("header");
        assertThat(check(PROMO, "{\"header\":{\"type\":\"video\",\"link\":\"https://x/v.mp4\"}}").details()
                .get("header")).isEqualTo("is image, not video");
        assertThat(check(PROMO, "{\"header\":{\"type\":\"image\"}}").details()).containsOnlyKeys("header");
        assertThat(check(PROMO, "{}").details()).containsOnlyKeys("header");
        MessageTemplate noHeader = new MessageTemplate("hi", "en", "UTILITY", "APPROVED",
                "[{\"type\":\"BODY\",\"text\":\"Hi\"}]");
        assertThat(check(noHeader, "{\"header\":{\"type\":\"text\",\"text\":\"x\"}}").details())
                .containsOnlyKeys("header");
    }

    @Test
    void refusesButtonsThatDoNotExistOrDoNotFit() {
        assertThat(check(ORDER, VALID.replace("\"index\":1,", "\"index\":5,")).details().get("buttons"))
                .contains("no button at index 5").contains("button 1 needs a url parameter");
        assertThat(check(ORDER, VALID.replace("\"index\":0,\"sub_type\":\"quick_reply\"",
                "\"index\":2,\"sub_type\":\"quick_reply\"")).details().get("buttons"))
                .contains("button 2 is PHONE_NUMBER");
        assertThat(check(ORDER, VALID.replace("\"index\":1,\"sub_type\":\"url\"",
                "\"index\":0,\"sub_type\":\"url\"")).details()).containsOnlyKeys("buttons");
    }

    @Test
    void reportsEveryWrongPartAtOnce() {
        OutboundCheck c = check(ORDER, "{\"body\":[],\"buttons\":[{\"index\":9,\"sub_type\":\"quick_reply\","
                + "\"parameter\":\"x\"}]}");
        assertThat(c.details()).containsOnlyKeys("header", "body", "buttons");
        assertThat(c.reason()).contains("order_update").contains("pt_BR");
    }

    @Test
    void malformedParametersNameThePart() {
        assertThatThrownBy(() -> TemplateParameters.parse("{\"body\":\"Ana\"}"))
                .isInstanceOfSatisfying(TemplateParameters.Invalid.class, e -> assertThat(e.part()).isEqualTo("body"));
        assertThatThrownBy(() -> TemplateParameters.parse("{\"header\":{\"type\":\"gif\"}}"))
                .isInstanceOfSatisfying(TemplateParameters.Invalid.class, e -> assertThat(e.part())
                        .isEqualTo("header"));
        assertThatThrownBy(() -> TemplateParameters.parse("{\"buttons\":[{\"index\":\"a\",\"sub_type\":\"url\"}]}"))
                .isInstanceOfSatisfying(TemplateParameters.Invalid.class, e -> assertThat(e.part())
                        .isEqualTo("buttons"));
        assertThatThrownBy(() -> TemplateParameters.parse("[1]"))
                .isInstanceOfSatisfying(TemplateParameters.Invalid.class, e -> assertThat(e.part())
                        .isEqualTo("template_parameters"));
    }

    @Test
    void countsDistinctPositionalAndNamedPlaceholders() {
        assertThat(TemplateRules.placeholders("Oi {{1}}, {{2}} e {{1}}")).containsExactly("1", "2");
        assertThat(TemplateRules.placeholders("Oi {{first_name}}, {{ order }}")).containsExactly("first_name",
                "order");
        assertThat(TemplateRules.positional(TemplateRules.placeholders("{{1}} {{2}}"))).isTrue();
        assertThat(TemplateRules.positional(TemplateRules.placeholders("{{name}}"))).isFalse();
        assertThat(TemplateRules.placeholders(null)).isEmpty();
    }
}
