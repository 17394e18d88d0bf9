package io.channelhub.hub.agents;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.errors.Failure;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How an agent calls its model. Tools and the response format use OpenAI's documented JSON shapes, so an
 * integrator can paste what they already have.
 *
 * @param provider        the model provider id ({@code openai}, or one a plugin adds)
 * @param model           the provider's model name
 * @param api             {@code chat_completions} or {@code responses}
 * @param instructions    the system instructions (after the pinned or latest prompt, when there is one)
 * @param temperature     0 to 2
 * @param topP            0 to 1
 * @param maxOutputTokens a cap on the reply
 * @param tools           function tools: {@code [{"type":"function","function":{"name","description","parameters"}}]}
 * @param responseFormat  {@code {"type":"json_schema","json_schema":{"name","schema","strict"}}} or json_object/text
 * @param knowledge       the hub's vector stores the turn retrieves from (any model), or, in {@code file_search}
 *                        mode, OpenAI-hosted vector store ids for the Responses API's own file search
 * @param history         how much of the conversation goes into each turn
 * @param maxToolRounds   how many model-tool-model rounds a turn may take
 * @param fallbacks       models that answer, in order, when this one fails with a retryable error or its circuit
 *                        is open
 * @param handoff         when a person takes over from the agent ({@link Handoff})
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentSpec(String provider, String model, String api, String instructions, BigDecimal temperature,
                        BigDecimal topP, Integer maxOutputTokens, List<JsonNode> tools, JsonNode responseFormat,
                        Knowledge knowledge, History history, Integer maxToolRounds, List<Fallback> fallbacks,
                        Handoff handoff) {

    public static final String CHAT_COMPLETIONS = "chat_completions";
    public static final String RESPONSES = "responses";
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    /**
     * Another model (of the same or another provider) for when the agent's own fails.
     *
     * @param provider a provider id
     * @param model    that provider's model name
     * @param api      {@code chat_completions} or {@code responses}; null: the agent's
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Fallback(String provider, String model, String api) {
    }

    /**
     * Knowledge for the agent's answers.
     *
     * @param vectorStoreIds the stores
     * @param mode           {@code retrieval} (the default: the hub finds passages in its own stores and puts them in
     *                       the prompt, for every model) or {@code file_search} (the ids are OpenAI-hosted stores the
     *                       Responses API searches itself)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Knowledge(List<String> vectorStoreIds, String mode) {

        public static final String RETRIEVAL = "retrieval";
        public static final String FILE_SEARCH = "file_search";

        /** The hub's own retrieval runs for this agent. */
        public boolean retrieves() {
            return vectorStoreIds != null && !vectorStoreIds.isEmpty() && !FILE_SEARCH.equals(mode);
        }

        /** The ids the model's own file search gets (none in retrieval mode). */
        public List<String> hostedIds() {
            return FILE_SEARCH.equals(mode) && vectorStoreIds != null ? vectorStoreIds : List.of();
        }
    }

    /** The history window: the last {@code maxMessages}, further cut to about {@code maxTokens} when set. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record History(Integer maxMessages, Integer maxTokens) {
    }

    /**
     * Human takeover. A visitor's message that asks for a person (one of {@code phrases}, compared without case,
     * accents or punctuation; the hub's own list in English, Portuguese and Spanish when none are given) puts the
     * conversation in the tenant's queue and is answered with {@code waitingMessage} instead of the model. With
     * {@code tool}, the model is also offered the hub's {@code request_human} function, so the agent itself can hand
     * a conversation over (an angry customer, a question outside its instructions).
     *
     * @param enabled        whether visitors' requests are honoured (default true once {@code handoff} is given; an
     *                       agent without {@code handoff} never hands over)
     * @param phrases        what counts as asking for a person (at most 50, each at most 100 characters)
     * @param waitingMessage the answer to such a request; null: the hub's, in the language of the phrase
     * @param tool           whether the model may call {@code request_human} (default false)
     * @param waitMinutes    how long a request may wait for a person before the agent answers again (1 to 10080;
     *                       null: until a person takes it or it is dismissed)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Handoff(Boolean enabled, List<String> phrases, String waitingMessage, Boolean tool,
                          Integer waitMinutes) {

        /** Settings without a wait limit. */
        public Handoff(Boolean enabled, List<String> phrases, String waitingMessage, Boolean tool) {
            this(enabled, phrases, waitingMessage, tool, null);
        }

        /** The name of the function the agent calls to hand a conversation to a person. */
        public static final String TOOL = "request_human";

        /** An agent without handoff settings: it always answers. */
        public static final Handoff OFF = new Handoff(false, null, null, false);

        public boolean on() {
            return !Boolean.FALSE.equals(enabled);
        }

        public boolean offersTool() {
            return on() && Boolean.TRUE.equals(tool);
        }
    }

    /**
     * The agent's handoff settings. Without any, an agent never hands over: a tenant turns handoffs on when it has
     * people to answer (an agent stored before handoffs existed keeps answering as it did).
     */
    public Handoff handoffSettings() {
        return handoff != null ? handoff : Handoff.OFF;
    }

    /** Fills defaults; the stored spec is always complete. */
    public AgentSpec withDefaults() {
        return new AgentSpec(provider == null ? "openai" : provider, model == null ? "gpt-4o-mini" : model,
                api == null ? CHAT_COMPLETIONS : api, instructions, temperature, topP, maxOutputTokens,
                tools == null ? List.of() : tools, responseFormat,
                knowledge == null ? new Knowledge(List.of(), Knowledge.RETRIEVAL)
                        : new Knowledge(knowledge.vectorStoreIds() == null ? List.of() : knowledge.vectorStoreIds(),
                        knowledge.mode() == null ? Knowledge.RETRIEVAL : knowledge.mode()),
                new History(history == null || history.maxMessages() == null ? 20 : history.maxMessages(),
                        history == null ? null : history.maxTokens()),
                maxToolRounds == null ? 4 : maxToolRounds, fallbacks == null ? List.of() : fallbacks,
                handoff == null ? Handoff.OFF : new Handoff(handoff.enabled() == null
                        || handoff.enabled(), handoff.phrases(), handoff.waitingMessage(),
                        handoff.tool() != null && handoff.tool(), handoff.waitMinutes()));
    }

    /** Applies the non-null fields of {@code patch}. */
    public AgentSpec merge(AgentSpec patch) {
        if (patch == null) {
            return this;
        }
        return new AgentSpec(or(patch.provider, provider), or(patch.model, model), or(patch.api, api),
                or(patch.instructions, instructions), or(patch.temperature, temperature), or(patch.topP, topP),
                or(patch.maxOutputTokens, maxOutputTokens), or(patch.tools, tools),
                or(patch.responseFormat, responseFormat), or(patch.knowledge, knowledge), or(patch.history, history),
                or(patch.maxToolRounds, maxToolRounds), or(patch.fallbacks, fallbacks), or(patch.handoff, handoff));
    }

    private static <T> T or(T a, T b) {
        return a != null ? a : b;
    }

    /** Throws a 422 naming every bad field. */
    public void validate() {
        Map<String, Object> errors = new LinkedHashMap<>();
        if (provider.isBlank() || provider.length() > 100) {
            errors.put("provider", "must be a provider id");
        }
        if (model.isBlank() || model.length() > 200) {
            errors.put("model", "must be a model name of at most 200 characters");
        }
        if (!CHAT_COMPLETIONS.equals(api) && !RESPONSES.equals(api)) {
            errors.put("api", "must be chat_completions or responses");
        }
        if (instructions != null && instructions.length() > 100_000) {
            errors.put("instructions", "longer than 100000 characters");
        }
        if (temperature != null && (temperature.signum() < 0 || temperature.compareTo(BigDecimal.valueOf(2)) > 0)) {
            errors.put("temperature", "must be between 0 and 2");
        }
        if (topP != null && (topP.signum() < 0 || topP.compareTo(BigDecimal.ONE) > 0)) {
            errors.put("top_p", "must be between 0 and 1");
        }
        if (maxOutputTokens != null && (maxOutputTokens < 1 || maxOutputTokens > 1_000_000)) {
            errors.put("max_output_tokens", "must be between 1 and 1000000");
        }
        if (maxToolRounds != null && (maxToolRounds < 0 || maxToolRounds > 16)) {
            errors.put("max_tool_rounds", "must be between 0 and 16");
        }
        if (tools != null) {
            if (tools.size() > 128) {
                errors.put("tools", "at most 128 tools");
            }
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                JsonNode fn = t.path("function");
                if (!"function".equals(t.path("type").asText()) || !TOOL_NAME.matcher(fn.path("name").asText())
                        .matches() || (fn.has("parameters") && !fn.get("parameters").isObject())) {
                    errors.put("tools[" + i + "]", "must be {\"type\":\"function\",\"function\":{\"name\","
                            + "\"description\",\"parameters\":{...}}} with a name of letters, digits, _ or -");
                }
            }
        }
        if (responseFormat != null) {
            String type = responseFormat.path("type").asText();
            boolean ok = "text".equals(type) || "json_object".equals(type)
                    || ("json_schema".equals(type) && responseFormat.path("json_schema").path("schema").isObject()
                    && TOOL_NAME.matcher(responseFormat.path("json_schema").path("name").asText()).matches());
            if (!ok) {
                errors.put("response_format", "must be {\"type\":\"json_schema\",\"json_schema\":{\"name\","
                        + "\"schema\":{...}}}, {\"type\":\"json_object\"} or {\"type\":\"text\"}");
            }
        }
        if (knowledge != null && knowledge.vectorStoreIds() != null && (knowledge.vectorStoreIds().size() > 16
                || knowledge.vectorStoreIds().stream().anyMatch(s -> s == null || s.isBlank() || s.length() > 100))) {
            errors.put("knowledge.vector_store_ids", "at most 16 non-empty ids");
        }
        if (knowledge != null && knowledge.mode() != null) {
            if (!Knowledge.RETRIEVAL.equals(knowledge.mode()) && !Knowledge.FILE_SEARCH.equals(knowledge.mode())) {
                errors.put("knowledge.mode", "must be retrieval or file_search");
            } else if (Knowledge.FILE_SEARCH.equals(knowledge.mode()) && !RESPONSES.equals(api)) {
                errors.put("knowledge.mode", "file_search is the Responses API's own search: set api to responses");
            }
        }
        if (history != null) {
            if (history.maxMessages() != null && (history.maxMessages() < 1 || history.maxMessages() > 1000)) {
                errors.put("history.max_messages", "must be between 1 and 1000");
            }
            if (history.maxTokens() != null && history.maxTokens() < 1) {
                errors.put("history.max_tokens", "must be positive");
            }
        }
        if (fallbacks != null) {
            if (fallbacks.size() > 3) {
                errors.put("fallbacks", "at most 3 fallback models");
            }
            for (int i = 0; i < fallbacks.size(); i++) {
                Fallback f = fallbacks.get(i);
                if (f == null || f.provider() == null || f.provider().isBlank() || f.provider().length() > 100
                        || f.model() == null || f.model().isBlank() || f.model().length() > 200
                        || (f.api() != null && !CHAT_COMPLETIONS.equals(f.api()) && !RESPONSES.equals(f.api()))) {
                    errors.put("fallbacks[" + i + "]", "must be {\"provider\",\"model\"} with an optional \"api\""
                            + " (chat_completions or responses)");
                }
            }
        }
        if (handoff != null) {
            if (handoff.phrases() != null && (handoff.phrases().size() > 50 || handoff.phrases().stream()
                    .anyMatch(p -> p == null || p.length() > 100 || !p.matches("(?s).*[\\p{L}\\p{N}].*")))) {
                errors.put("handoff.phrases", "at most 50 phrases of 1 to 100 characters, each with a letter or a digit");
            }
            if (handoff.waitMinutes() != null && (handoff.waitMinutes() < 1 || handoff.waitMinutes() > 10_080)) {
                errors.put("handoff.wait_minutes", "1 to 10080 (a week)");
            }
            if (handoff.waitingMessage() != null && (handoff.waitingMessage().isBlank()
                    || handoff.waitingMessage().length() > 1000)) {
                errors.put("handoff.waiting_message", "1 to 1000 characters");
            }
            if (handoff.offersTool() && tools != null && tools.stream().anyMatch(t -> Handoff.TOOL.equals(
                    t.path("function").path("name").asText()))) {
                errors.put("tools", "request_human is the hub's own handoff tool (handoff.tool); name yours otherwise");
            }
        }
        if (!errors.isEmpty()) {
            throw Failure.invalid("invalid_agent", "the agent is invalid", Map.of("errors", errors));
        }
    }
}
