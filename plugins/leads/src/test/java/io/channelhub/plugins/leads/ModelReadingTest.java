package io.channelhub.plugins.leads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.channelhub.plugin.Conversations.MessageView;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.testing.FakePluginContext;
import io.channelhub.plugin.turn.CompletedTurn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tenant's model reads the conversation; the rule set stands in when it cannot. */
class ModelReadingTest {

    private final FakePluginContext context = FakePluginContext.forTenant("ten_a", "leads");
    private int seq;

    private CompletedTurn turn(String conversationId, String userSays) {
        Instant at = context.clock().instant();
        MessageView user = new MessageView("msg_u" + (++seq), conversationId, "user", userSays, null, at);
        MessageView reply = new MessageView("msg_r" + seq, conversationId, "assistant", "Happy to help.", null, at);
        context.message(user, "contact-1").message(reply, "contact-1");
        return new CompletedTurn(reply.id(), conversationId, "agt", Optional.empty(), Optional.of("contact-1"), user,
                reply, "m", 10, 5, at);
    }

    private static ModelReply json(String content) {
        return new ModelReply(content, List.of(), "stop", new ModelReply.Usage(120, 40), "gpt-4o-mini-2024-07-18");
    }

    @Test
    void theTenantsModelFindsALeadTheRulesMissAndIsAskedForStructuredJson() {
        context.leadModel("openai", "gpt-4o-mini").model("openai", r -> json("""
                {"intent":"buy","score":85,"name":"Carla Dias","email":null,"phone":null,"company":"Dias Tech",
                 "role":"head of operations","summary":"Wants the hub for her 40-person support team this month."}"""));
        // No buying words the rules know: "get this for", "my 40 agents".
        new BuyingIntent().observe(turn("cnv_1", "I'm Carla from Dias Tech; could we get this for my 40 agents "
                + "before the end of the month? carla@diastech.example"), context);

        var lead = context.leadOf("cnv_1").orElseThrow();
        assertEquals("buy", lead.intent());
        assertEquals(85, lead.score());
        assertEquals("Carla Dias", lead.name());
        assertEquals("Dias Tech", lead.company());
        assertEquals("head of operations", lead.role());
        // The model gave no e-mail; the rules' match fills it in.
        assertEquals("carla@diastech.example", lead.email());
        assertEquals("qualified", context.conversations().annotations("cnv_1").get("lead.stage"));

        var call = context.modelCalls().get(0);
        assertEquals("openai", call.provider());
        assertEquals("gpt-4o-mini", call.request().model());
        assertEquals("json_schema", call.request().responseFormat().type());
        assertTrue(call.request().responseFormat().strict());
        assertEquals(0.0, call.request().temperature());
        String transcript = call.request().messages().get(0).content();
        assertTrue(transcript.contains("Customer: I'm Carla from Dias Tech"), transcript);
        assertTrue(transcript.contains("Assistant: Happy to help."), transcript);
        // The tokens are the tenant's, metered.
        assertTrue(context.metered().stream().anyMatch(m -> m.usageType().equals("model.prompt_tokens")
                && m.quantity() == 120));
    }

    @Test
    void whenTheModelSeesNoLeadNothingIsReportedEvenIfTheRulesWouldHave() {
        context.leadModel("openai", "gpt-4o-mini").model("openai", r -> json("""
                {"intent":"none","score":0,"name":null,"email":null,"phone":null,"company":null,"role":null,
                 "summary":null}"""));
        new BuyingIntent().observe(turn("cnv_2", "I want to buy a pizza, where is the nearest one?"), context);
        assertTrue(context.leadOf("cnv_2").isEmpty());
        assertEquals(1, context.modelCalls().size());
    }

    @Test
    void aFailingModelAnUnreadableAnswerAUsedUpQuotaAndTheDemoFallBackToTheRules() {
        String buyer = "We want to buy 30 seats. My name is Ana Souza, ana@acme.example";
        context.leadModel("openai", "gpt-4o-mini").model("openai", r -> {
            throw new ModelException(ModelException.Kind.UPSTREAM_ERROR, "model_error", Duration.ZERO);
        });
        new BuyingIntent().observe(turn("cnv_3", buyer), context);
        assertEquals("buy", context.leadOf("cnv_3").orElseThrow().intent());

        context.model("openai", r -> json("Sure! Here is what I found: a buyer."));
        new BuyingIntent().observe(turn("cnv_4", buyer), context);
        assertEquals("Ana Souza", context.leadOf("cnv_4").orElseThrow().name());

        context.model("openai", r -> json("{\"intent\":\"buy\",\"score\":\"high\"}"));
        new BuyingIntent().observe(turn("cnv_5", buyer), context);
        assertEquals("ana@acme.example", context.leadOf("cnv_5").orElseThrow().email());

        int calls = context.modelCalls().size();
        context.quotaUsedUp("model.prompt_tokens");
        new BuyingIntent().observe(turn("cnv_6", buyer), context);
        assertTrue(context.leadOf("cnv_6").isPresent());
        assertEquals(calls, context.modelCalls().size(), "no call past a used-up token quota");

        FakePluginContext demo = FakePluginContext.forTenant("ten_b", "leads").leadModel("openai", "gpt-4o-mini")
                .demoModel("openai");
        Instant at = demo.clock().instant();
        MessageView user = new MessageView("msg_d", "cnv_7", "user", buyer, null, at);
        demo.message(user, "c");
        new BuyingIntent().observe(new CompletedTurn("msg_d", "cnv_7", "agt", Optional.empty(), Optional.of("c"),
                user, user, "m", 1, 1, at), demo);
        assertEquals("buy", demo.leadOf("cnv_7").orElseThrow().intent());
        assertTrue(demo.modelCalls().isEmpty(), "the demo model only echoes: not asked");
    }

    @Test
    void aModelAnswerInAMarkdownFenceIsReadAndNonsenseIsRefused() {
        var found = ModelReading.parse("```json\n{\"intent\":\"demo\",\"score\":140,\"name\":\" Bia \","
                + "\"email\":null,\"phone\":null,\"company\":null,\"role\":null,\"summary\":\"null\"}\n```");
        assertEquals("demo", found.intent());
        assertEquals(100, found.score());
        assertEquals("Bia", found.name());
        assertNull(found.summary());
        assertEquals(0, ModelReading.parse("{\"intent\":\"support\",\"score\":40}").score());
        assertThrows(IllegalArgumentException.class, () -> ModelReading.parse("[1,2]"));
        assertThrows(IllegalArgumentException.class, () -> ModelReading.parse("{\"intent\":\"buy\",\"score\":9,"
                + "\"name\":42}"));
    }
}
