package io.channelhub.plugins.leads;

import com.fasterxml.jackson.jr.ob.JSON;
import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.Leads;
import io.channelhub.plugin.Models;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A conversation read by the model the tenant chose: one call per completed turn, asking for the lead as JSON that
 * follows {@link #SCHEMA} (OpenAI's structured outputs; a provider without them still gets the shape in the
 * instructions). The model reads what the hub stored, so the tenant's redaction already applies to it.
 */
final class ModelReading {

    /** Enough of a sales conversation; each message cut, so one long paste does not buy a large prompt. */
    static final int MESSAGES = 20;
    static final int MESSAGE_CHARS = 1_000;

    static final Set<String> INTENTS = Set.of("buy", "quote", "demo");

    static final String SCHEMA = """
            {"type":"object","additionalProperties":false,
             "required":["intent","score","name","email","phone","company","role","summary"],
             "properties":{
              "intent":{"type":"string","enum":["buy","quote","demo","none"]},
              "score":{"type":"integer"},
              "name":{"type":["string","null"]},
              "email":{"type":["string","null"]},
              "phone":{"type":["string","null"]},
              "company":{"type":["string","null"]},
              "role":{"type":["string","null"]},
              "summary":{"type":["string","null"]}}}""";

    static final String INSTRUCTIONS = """
            You read a conversation between a customer and a company's assistant and decide whether the customer \
            is a sales lead. Answer only with a JSON object with these fields:
            intent: "buy" (wants to purchase or sign up), "quote" (asks for prices or a proposal), "demo" (wants a \
            demonstration or a trial), or "none" (anything else: support, complaints, small talk);
            score: 0 to 100, how likely this customer is to buy soon (volume, urgency and contact data raise it; 0 \
            for intent "none");
            name, email, phone, company, role: what the customer said about themselves, exactly as written, or \
            null when they did not say it; never guess;
            summary: one or two sentences for a salesperson, in the customer's language, or null.""";

    private ModelReading() {
    }

    /**
     * The lead the model finds in the conversation; {@code score} 0 when it finds none.
     *
     * @throws ModelException           when the model failed
     * @throws IllegalArgumentException when its answer is not the JSON asked for
     */
    static LeadSignals.Found read(Models models, Leads.LeadSettings settings, List<Conversations.MessageView> messages)
            throws ModelException {
        StringBuilder transcript = new StringBuilder();
        for (Conversations.MessageView m : messages) {
            if (m.content() == null || m.content().isBlank()) {
                continue;
            }
            String who = "user".equals(m.role()) ? "Customer" : "Assistant";
            String text = m.content().strip();
            transcript.append(who).append(": ")
                    .append(text.length() > MESSAGE_CHARS ? text.substring(0, MESSAGE_CHARS) + "..." : text)
                    .append('\n');
        }
        ModelRequest request = new ModelRequest(settings.model(), ModelRequest.Api.CHAT_COMPLETIONS, INSTRUCTIONS,
                List.of(ModelMessage.user(transcript.toString())), 0.0, null, 400, List.of(),
                new ModelRequest.ResponseFormat("json_schema", "lead", SCHEMA, true), List.of());
        ModelReply reply = models.complete(settings.modelProvider(), request);
        return parse(reply.content());
    }

    /** The model's answer; {@link IllegalArgumentException} for anything but the object asked for. */
    static LeadSignals.Found parse(String content) {
        Map<String, Object> answer;
        try {
            Object v = JSON.std.anyFrom(strip(content));
            if (!(v instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("the model's answer is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) m;
            answer = map;
        } catch (IOException e) {
            throw new IllegalArgumentException("the model's answer is not JSON", e);
        }
        String intent = text(answer, "intent");
        if (!(answer.get("score") instanceof Number score)) {
            throw new IllegalArgumentException("the model's answer has no score");
        }
        if (intent == null || !INTENTS.contains(intent) || score.intValue() <= 0) {
            return new LeadSignals.Found(null, 0, null, null, null, null, null, null);
        }
        return new LeadSignals.Found(intent, Math.min(100, score.intValue()), text(answer, "name"),
                text(answer, "email"), text(answer, "phone"), text(answer, "company"), text(answer, "role"),
                text(answer, "summary"));
    }

    /** A model without structured outputs may wrap its JSON in a Markdown fence. */
    private static String strip(String content) {
        String s = content == null ? "" : content.strip();
        if (s.startsWith("```")) {
            s = s.replaceFirst("^```[a-zA-Z]*\\s*", "").replaceFirst("\\s*```$", "");
        }
        return s;
    }

    private static String text(Map<String, Object> answer, String field) {
        Object v = answer.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("the model's " + field + " is not text");
        }
        s = s.strip();
        return s.isEmpty() || s.equalsIgnoreCase("null") ? null : (s.length() > 300 ? s.substring(0, 300) : s);
    }
}
