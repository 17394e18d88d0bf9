package io.channelhub.plugins.leads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.channelhub.plugin.Conversations.MessageView;
import io.channelhub.plugin.testing.FakePluginContext;
import io.channelhub.plugin.turn.CompletedTurn;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BuyingIntentTest {

    private final FakePluginContext context = FakePluginContext.forTenant("ten_a", "leads");
    private int seq;

    private CompletedTurn turn(String conversationId, String userSays) {
        Instant at = context.clock().instant();
        MessageView user = new MessageView("msg_u" + (++seq), conversationId, "user", userSays, null, at);
        MessageView reply = new MessageView("msg_r" + seq, conversationId, "assistant", "Sure.", null, at);
        context.message(user, "contact-1").message(reply, "contact-1");
        return new CompletedTurn(reply.id(), conversationId, "agt", Optional.empty(), Optional.of("contact-1"), user,
                reply, "m", 10, 5, at);
    }

    @Test
    void detailsGivenOverSeveralMessagesAddUpToOneQualifiedLead() {
        BuyingIntent observer = new BuyingIntent();
        observer.observe(turn("cnv_1", "How much does the business plan cost?"), context);
        assertEquals(30, context.leadOf("cnv_1").orElseThrow().score());
        assertEquals("new", context.conversations().annotations("cnv_1").get("lead.stage"));

        observer.observe(turn("cnv_1", "We want to buy it for 25 users. My name is Ana Souza, ana@acme.example"),
                context);
        var lead = context.leadOf("cnv_1").orElseThrow();
        assertEquals("buy", lead.intent());
        assertEquals("Ana Souza", lead.name());
        assertEquals("ana@acme.example", lead.email());
        assertTrue(lead.score() >= 60, "score " + lead.score());
        assertEquals("qualified", context.conversations().annotations("cnv_1").get("lead.stage"));
        assertEquals(Integer.toString(lead.score()), context.conversations().annotations("cnv_1").get("lead.score"));
    }

    @Test
    void aConversationWithoutBuyingIntentReportsNothing() {
        new BuyingIntent().observe(turn("cnv_2", "My package is late"), context);
        assertTrue(context.leadOf("cnv_2").isEmpty());
        assertTrue(context.conversations().annotations("cnv_2").isEmpty());
    }
}
