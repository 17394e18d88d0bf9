package io.channelhub.hub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ChatTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String text(String envelope) throws Exception {
        return JSON.readTree(ChatText.of(JSON, envelope)).path("text").asText();
    }

    @Test
    void aQualifiedLeadSaysWhoWhatAndHowToReachThem() throws Exception {
        assertThat(text("{\"type\":\"lead.qualified\",\"data\":{\"lead\":{\"name\":\"Ana\",\"company\":\"Acme\","
                + "\"score\":85,\"intent\":\"buy\",\"email\":\"ana@acme.example\",\"phone\":\"+55 11 5555-0000\","
                + "\"summary\":\"40 seats\"}}}"))
                .isEqualTo("New qualified lead: Ana (Acme), score 85, wants to buy · ana@acme.example · "
                        + "+55 11 5555-0000: \"40 seats\"");
    }

    @Test
    void aCustomerWaitingForAPersonSaysWhoAndWhatTheySaid() throws Exception {
        assertThat(text("{\"type\":\"conversation.handoff_requested\",\"data\":{\"conversation\":{\"id\":\"cnv_1\","
                + "\"end_user_id\":\"5511999\",\"handoff\":{\"reason\":\"falar com um atendente\"}}}}"))
                .isEqualTo("A customer is waiting for a person: 5511999: \"falar com um atendente\"");
    }

    @Test
    void whatEndUsersWroteCannotPingTheChannelOrDisguiseALink() throws Exception {
        assertThat(text("{\"type\":\"conversation.handoff_requested\",\"data\":{\"conversation\":{\"end_user_id\":"
                + "\"<!channel>\",\"handoff\":{\"reason\":\"<https://evil.example|your invoice> @all & more\"}}}}"))
                .isEqualTo("A customer is waiting for a person: &lt;!channel&gt;: \"&lt;https://evil.example|your "
                        + "invoice&gt; @\u200Ball &amp; more\"");
    }

    @Test
    void anyOtherEventSaysItsTypeAndWhatItConcerns() throws Exception {
        assertThat(text("{\"type\":\"message.sent\",\"data\":{\"message\":{\"id\":\"msg_1\"}}}"))
                .isEqualTo("ChannelHub: message.sent (msg_1)");
        assertThat(text("not json")).isEqualTo("ChannelHub event");
    }
}
