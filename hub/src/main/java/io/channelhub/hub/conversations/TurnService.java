package io.channelhub.hub.conversations;

import io.channelhub.hub.agents.Agent;
import io.channelhub.hub.agents.AgentService;
import io.channelhub.hub.agents.AgentSpec;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.llm.ModelGateway;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.plugins.CorePluginContext;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import io.channelhub.plugin.model.ToolHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent turn: store the user's message, build the prompt from the agent and the history window, call the
 * model (streaming when the caller streams), run tool rounds the hub can answer, store the reply and meter it.
 * The user's message is stored before anything can fail, so nothing accepted is lost.
 */
public class TurnService {

    private static final Logger LOG = LoggerFactory.getLogger(TurnService.class);
    /** Files sent to the model in one request, at most; older files beyond it are left out. */
    static final long MAX_ATTACHMENT_BYTES = 20L * 1024 * 1024;

    private final ConversationRepository repo;
    private final AgentService agents;
    private final ModelGateway models;
    private final PluginPlatform plugins;
    private final UsageLedger ledger;
    private final io.channelhub.hub.webhooks.Webhooks webhooks;
    private final Clock clock;
    private final io.channelhub.hub.limits.Quotas quotas;
    /** The contexts of tool handlers. */
    private final io.channelhub.hub.plugins.PluginContexts contexts;
    /** Stored files, for tool contexts and for the prompt. */
    private final io.channelhub.hub.media.MediaLibrary media;
    /** The tenant's redaction of stored messages and of prompts. */
    private final io.channelhub.hub.privacy.ContentRedaction redaction;
    private final io.channelhub.hub.observability.Tracing tracing;
    /** The retrieval step: passages of the agent's vector stores for the prompt, and their citations. */
    private final io.channelhub.hub.knowledge.Retrieval retrieval;
    /** The plugins that see each completed turn, after its reply is stored. */
    private final TurnObservers observers;
    /** Human takeover: a person asked for, or holding the conversation instead of the agent. */
    private final Handoffs handoffs;

    /**
     * The stored user message, the stored reply, and the tokens of the whole turn. {@code reply} is null when a person
     * holds the conversation (they answer, not the agent); {@code handoff} is the conversation's takeover after the
     * turn (null: the agent still answers).
     */
    public record Result(Message user, Message reply, long promptTokens, long completionTokens, Handoff handoff) {
        public Result(Message user, Message reply, long promptTokens, long completionTokens) {
            this(user, reply, promptTokens, completionTokens, null);
        }
    }

    /** Thrown when the caller went away mid-turn. */
    public static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("client disconnected", null, false, false);
        }
    }

    /** {@code quotas} are told after each turn, so they can notify at their thresholds. */
    public TurnService(ConversationRepository repo, AgentService agents, ModelGateway models, PluginPlatform plugins,
                       UsageLedger ledger, io.channelhub.hub.webhooks.Webhooks webhooks, Clock clock,
                       io.channelhub.hub.limits.Quotas quotas, io.channelhub.hub.plugins.PluginContexts contexts,
                       io.channelhub.hub.media.MediaLibrary media,
                       io.channelhub.hub.privacy.ContentRedaction redaction,
                       io.channelhub.hub.observability.Tracing tracing,
                       io.channelhub.hub.knowledge.Retrieval retrieval, TurnObservers observers, Handoffs handoffs) {
        this.retrieval = retrieval;
        this.handoffs = handoffs;
        this.observers = observers;
        this.quotas = quotas;
        this.contexts = contexts;
        this.media = media;
        this.redaction = redaction;
        this.tracing = tracing;
        this.webhooks = webhooks;
        this.repo = repo;
        this.agents = agents;
        this.models = models;
        this.plugins = plugins;
        this.ledger = ledger;
        this.clock = clock;
    }

    public Message storeUserMessage(Conversation c, String content, String externalId) {
        return storeUserMessage(c, content, externalId, List.of());
    }

    /** Stores the user's message with the stored files (media ids) it carries. */
    public Message storeUserMessage(Conversation c, String content, String externalId, List<String> mediaIds) {
        return storeUserMessage(c, content, externalId, mediaIds, Message.TEXT);
    }

    /** The same for a message of a channel's {@code kind} (image, location, ...). */
    public Message storeUserMessage(Conversation c, String content, String externalId, List<String> mediaIds,
                                    String kind) {
        return storeUserMessage(c, content, externalId, mediaIds, kind, null);
    }

    /**
     * The same, running {@code withMessage} (given the handle and the message being stored) in the message's
     * transaction: a channel links its inbound event to the message in the same commit, so an event without a link
     * has no message, and processing it again never has to search for one.
     */
    public Message storeUserMessageWith(Conversation c, String content, String externalId, List<String> mediaIds,
                                        String kind,
                                        java.util.function.BiConsumer<org.jdbi.v3.core.Handle, Message> withMessage) {
        return storeUserMessage(c, content, externalId, mediaIds, kind, null, true, withMessage);
    }

    /**
     * The same, for a request with an idempotency key ({@code requestKey}, null without): the key is stored with the
     * message, so a retry that takes the key over finds it ({@link ConversationRepository#byRequestKey}).
     */
    public Message storeUserMessage(Conversation c, String content, String externalId, List<String> mediaIds,
                                    String kind, String requestKey) {
        return storeUserMessage(c, content, externalId, mediaIds, kind, requestKey, true, null);
    }

    /**
     * The same; with {@code touch} false the conversation's last-message time is left to the reply's commit, a moment
     * later (one statement less per turn), and whoever stored it touches it when no reply comes
     * ({@link TurnPipeline.Admitted} does).
     */
    Message storeUserMessage(Conversation c, String content, String externalId, List<String> mediaIds, String kind,
                             String requestKey, boolean touch,
                             java.util.function.BiConsumer<org.jdbi.v3.core.Handle, Message> withMessage) {
        Instant now = clock.instant();
        content = redaction.forStorage(c.tenantId(), content);
        Message draft = Message.draft(c, "user").content(content).status(Message.Status.RECEIVED)
                .externalId(externalId).kind(kind).at(now).build();
        UsageLedger.UsageEvent in = new UsageLedger.UsageEvent(c.tenantId(), "messages.in", 1, "message", null,
                c.channelInstanceId(), c.agentId(), null, "in:" + draft.id());
        // The message, the conversation's last-message time (unless the reply sets it) and the message's usage: one
        // commit.
        java.util.function.Consumer<org.jdbi.v3.core.Handle> usage = h -> {
            ledger.insert(h, List.of(in));
            if (requestKey != null) {
                ConversationRepository.markRequest(h, draft, requestKey);
            }
            if (withMessage != null) {
                withMessage.accept(h, draft);
            }
        };
        Message user = touch ? repo.insertMessageAndTouch(draft, now, usage) : repo.insertMessage(draft, usage);
        ledger.recorded(in);
        if (!mediaIds.isEmpty()) {
            media.attach(c.tenantId(), user.id(), mediaIds);
        }
        webhooks.emit(c.tenantId(), "message.received", Map.of("message", ConversationViews.MessageView.of(user)));
        return user;
    }

    /** Stores text the hub sends on its own (a channel's confirmation of an opt-out) as an assistant message. */
    public Message storeAssistantText(Conversation c, String text) {
        return storeAssistantMessage(c, text, Message.TEXT);
    }

    /** Stores a message the integrator sends on a channel, of its {@code kind} (template, image, ...). */
    public Message storeAssistantMessage(Conversation c, String text, String kind) {
        Instant now = clock.instant();
        Message m = repo.insertMessage(Message.draft(c, "assistant").content(text).status(Message.Status.COMPLETED)
                .kind(kind).at(now).build());
        repo.touch(c.tenantId(), c.id(), now);
        ledger.record(new UsageLedger.UsageEvent(c.tenantId(), "messages.out", 1, "message", null,
                c.channelInstanceId(), c.agentId(), null, "out:" + m.id()));
        webhooks.emit(c.tenantId(), "message.sent", Map.of("message", ConversationViews.MessageView.of(m)));
        return m;
    }

    /**
     * Answers an already stored user message: nothing while a person was asked for or holds the conversation (they
     * answer, through the console or the API); the agent's waiting message when the user asks for a person (the
     * conversation joins the queue); otherwise the agent's turn.
     */
    Result respond(Conversation c, Message user, ReplySink sink) {
        if (c.handoff() != null && c.handoff().waiting() && waitedTooLong(c)) {
            // Nobody took it within the agent's wait: the agent answers again rather than leave the user alone.
            c = handoffs.giveUp(c);
        }
        if (!c.agentAnswers()) {
            if (sink.streams()) {
                sink.start(user, null);
            }
            return new Result(user, null, 0, 0, c.handoff());
        }
        Agent agent = agents.get(c.tenantId(), c.agentId());
        AgentSpec.Handoff settings = agent.spec().handoffSettings();
        // Only the end user's own words ask for a person (a tool result posted through the API does not).
        java.util.Optional<String> asks = "user".equals(user.role()) ? Handoffs.asksForPerson(settings, user.content())
                : java.util.Optional.empty();
        if (asks.isPresent() && !handoffs.request(c, Handoffs.BY_VISITOR, user.content())) {
            // Asked a moment ago in another message (or a person took it): the person answers this one too.
            Handoff now = repo.find(c.tenantId(), c.id()).map(Conversation::handoff).orElse(null);
            if (now != null) {
                if (sink.streams()) {
                    sink.start(user, null);
                }
                return new Result(user, null, 0, 0, now);
            }
        } else if (asks.isPresent()) {
            String text = Handoffs.waitingMessage(settings, asks.get());
            Message notice = handoffs.storeReply(c, text, Message.TEXT, null);
            if (sink.streams()) {
                sink.start(user, notice.id());
                sink.delta(text);
            }
            return new Result(user, notice, 0, 0, new Handoff(Handoff.WAITING, Handoffs.BY_VISITOR, user.content(),
                    null, null, notice.createdAt()));
        }
        return run(c, agent, user, sink);
    }

    /**
     * A user message the agent cannot answer on its channel (it came outside the service window, where only a template
     * goes out): when the agent hands over at all, the conversation waits for a person, who can still answer with a
     * template. Nothing changes when a person was already asked for or holds it.
     */
    public void queueForPerson(Conversation c, Message user, String why) {
        java.util.Optional<Agent> agent = agents.find(c.tenantId(), c.agentId());
        // A conversation whose agent was deleted has nobody to hand over from: it stays as it is.
        if (agent.isPresent() && agent.get().spec().handoffSettings().on()) {
            handoffs.request(c, why, user.content());
        }
    }

    /** Whether a request for a person has waited longer than the agent allows (the agent's {@code wait_minutes}). */
    private boolean waitedTooLong(Conversation c) {
        Integer wait = agents.get(c.tenantId(), c.agentId()).spec().handoffSettings().waitMinutes();
        return wait != null && c.handoff().since() != null
                && c.handoff().since().plus(java.time.Duration.ofMinutes(wait)).isBefore(clock.instant());
    }

    /** Runs the agent's turn for an already stored user message; the model streams when the sink does. */
    Result run(Conversation c, Message user, ReplySink sink) {
        return run(c, agents.get(c.tenantId(), c.agentId()), user, sink);
    }

    private Result run(Conversation c, Agent agent, Message user, ReplySink sink) {
        AgentSpec spec = agent.spec();
        boolean handoffTool = spec.handoffSettings().offersTool();
        Handoff handedOff = null;
        String replyId = Ids.newId("msg");
        if (sink.streams()) {
            sink.start(user, replyId);
        }
        List<ModelMessage> window = window(c, spec);
        io.channelhub.hub.knowledge.Retrieval.Grounding grounding = ground(c, spec, user);
        if (grounding.context() != null) {
            // After the agent's instructions, before the conversation: the model reads the passages as context.
            window.add(0, new ModelMessage("system", grounding.context(), List.of(), null, List.of()));
        }
        if (sink.streams() && !grounding.citations().isEmpty()) {
            sink.citations(grounding.citations());
        }
        long promptTokens = 0;
        long completionTokens = 0;
        int rounds = 0;
        while (true) {
            ModelRequest request = request(agent, spec, window);
            ModelReply reply;
            try {
                reply = !sink.streams() ? models.complete(c.tenantId(), spec.provider(), request,
                        fallbacks(spec))
                        : streamed(c, spec, request, sink);
            } catch (HubFailure e) {
                repo.insertMessage(Message.draft(c, "assistant").id(replyId).status(Message.Status.FAILED)
                        .model(spec.model()).errorCode(e.code()).at(clock.instant()).build());
                throw e;
            }
            promptTokens += reply.usage() == null ? 0 : reply.usage().promptTokens();
            completionTokens += reply.usage() == null ? 0 : reply.usage().completionTokens();
            List<UsageLedger.UsageEvent> tokens = tokenUsage(c, reply, replyId + ":" + rounds);
            Map<String, ToolHandler> handlers = plugins.toolHandlers();
            boolean canRunTools = !reply.toolCalls().isEmpty() && rounds < spec.maxToolRounds()
                    && reply.toolCalls().stream().allMatch(tc -> handlers.containsKey(tc.name())
                    || (handoffTool && AgentSpec.Handoff.TOOL.equals(tc.name())));
            if (!canRunTools) {
                Message.Status status = reply.toolCalls().isEmpty() ? Message.Status.COMPLETED
                        : Message.Status.REQUIRES_ACTION;
                List<UsageLedger.UsageEvent> usage = new ArrayList<>(tokens);
                usage.add(new UsageLedger.UsageEvent(c.tenantId(), "messages.out", 1, "message", null,
                        c.channelInstanceId(), c.agentId(), reply.model(), "out:" + replyId));
                Instant at = clock.instant();
                // The reply, the conversation's last-message time, the turn's usage (tokens, the message) and the
                // turn for each observer: one commit.
                List<Long> observing = new ArrayList<>();
                java.util.Optional<Message> kept = repo.insertReplyUnlessHandedOff(Message.draft(c, "assistant")
                        .id(replyId).content(reply.content()).toolCalls(reply.toolCalls()).status(status)
                        .model(reply.model()).tokens(promptTokens, completionTokens).citations(grounding.citations())
                        .at(at).build(), at, handedOff != null,
                        h -> {
                            ledger.insert(h, usage);
                            if (status == Message.Status.COMPLETED) {
                                observing.addAll(observers.enqueue(h, c, user.id(), replyId));
                            }
                        });
                if (kept.isEmpty()) {
                    // A person took the conversation (or was asked for) while the model answered: the person answers,
                    // so the agent's reply is neither stored nor sent. The model's tokens were spent all the same.
                    tokens.forEach(ledger::record);
                    return new Result(user, null, promptTokens, completionTokens,
                            repo.find(c.tenantId(), c.id()).map(Conversation::handoff).orElse(null));
                }
                Message stored = kept.get();
                observers.wake(observing);
                usage.forEach(ledger::recorded);
                webhooks.emit(c.tenantId(), "message.sent", Map.of("message",
                        ConversationViews.MessageView.of(stored)));
                // The turn's usage: the user's message (recorded when it was stored) and what this commit wrote.
                java.util.Set<String> used = new java.util.HashSet<>(List.of("messages.in"));
                usage.forEach(u -> used.add(u.usageType()));
                quotas.afterUsage(c.tenantId(), used);
                return new Result(user, stored, promptTokens, completionTokens, handedOff);
            }
            // The hub answers these tools itself: store the call and the results, then ask the model again.
            tokens.forEach(ledger::record);
            repo.insertMessage(Message.draft(c, "assistant").content(reply.content()).toolCalls(reply.toolCalls())
                    .status(Message.Status.COMPLETED).model(reply.model()).at(clock.instant()).build());
            window.add(ModelMessage.assistant(reply.content(), reply.toolCalls()));
            for (ModelMessage.ToolCall call : reply.toolCalls()) {
                if (sink.streams()) {
                    sink.toolCall(call);
                }
                String result;
                if (handoffTool && AgentSpec.Handoff.TOOL.equals(call.name())) {
                    String reason = reason(call.arguments());
                    handoffs.request(c, Handoffs.BY_AGENT, reason);
                    handedOff = new Handoff(Handoff.WAITING, Handoffs.BY_AGENT, reason, null, null, clock.instant());
                    result = "{\"status\":\"queued\",\"note\":\"A person will take over this conversation. Tell "
                            + "the user, briefly, that a person will answer here soon; do not answer further.\"}";
                } else {
                    result = invoke(c, handlers.get(call.name()), call);
                }
                repo.insertMessage(Message.draft(c, "tool").content(result).answering(call.id())
                        .status(Message.Status.COMPLETED).at(clock.instant()).build());
                window.add(ModelMessage.tool(call.id(), result));
            }
            rounds++;
        }
    }

    /**
     * The retrieval step: passages of the agent's stores for what the user just said (the tenant's redaction
     * applied). A failing search costs the turn its grounding, not its answer: the model answers without it.
     */
    private io.channelhub.hub.knowledge.Retrieval.Grounding ground(Conversation c, AgentSpec spec, Message user) {
        return ground(c.tenantId(), c.agentId(), spec, user.content());
    }

    /** The same for a text that is not stored (a stateless completion's last user message). */
    io.channelhub.hub.knowledge.Retrieval.Grounding ground(String tenantId, String agentId, AgentSpec spec,
                                                            String text) {
        if (!spec.knowledge().retrieves() || text == null || text.isBlank()) {
            return io.channelhub.hub.knowledge.Retrieval.Grounding.NONE;
        }
        var span = tracing.tracer().spanBuilder("knowledge retrieval").startSpan();
        try (var scope = span.makeCurrent()) {
            return retrieval.ground(tenantId, spec.knowledge().vectorStoreIds(), redaction.forPrompt(tenantId, text),
                    t -> redaction.forPrompt(tenantId, t));
        } catch (RuntimeException e) {
            span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, e.getClass().getSimpleName());
            LOG.warn("Retrieval for agent {} failed; answering without its knowledge", agentId, e);
            return io.channelhub.hub.knowledge.Retrieval.Grounding.NONE;
        } finally {
            span.end();
        }
    }

    private ModelReply streamed(Conversation c, AgentSpec spec, ModelRequest request, ReplySink sink) {
        try (ModelStream stream = models.stream(c.tenantId(), spec.provider(), request,
                fallbacks(spec))) {
            sink.cancellable(stream::close);
            for (String d = stream.nextDelta(); d != null; d = stream.nextDelta()) {
                if (sink.cancelled()) {
                    throw new Cancelled();
                }
                if (!d.isEmpty()) {
                    sink.delta(d);
                }
            }
            if (sink.cancelled()) {
                throw new Cancelled();
            }
            return stream.reply();
        } catch (io.channelhub.plugin.model.ModelException e) {
            if (sink.cancelled()) {
                throw new Cancelled();
            }
            throw ModelGateway.translateForStream(e);
        }
    }

    private String invoke(Conversation c, ToolHandler handler, ModelMessage.ToolCall call) {
        String pluginId = plugins.pluginOf(handler);
        CorePluginContext ctx = contexts.forTenant(c.tenantId(), pluginId);
        var span = tracing.tracer()
                .spanBuilder("tool " + call.name()).setAttribute("channelhub.plugin", pluginId).startSpan();
        org.slf4j.MDC.put("plugin", pluginId);
        try (var scope = span.makeCurrent()) {
            String out = handler.invoke(call.arguments(), ctx);
            return out == null ? "" : out;
        } catch (Exception | LinkageError e) {
            span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, e.getClass().getSimpleName());
            // The model sees that the tool failed and can tell the user; the turn goes on.
            LOG.warn("Tool {} of plugin {} failed", call.name(), pluginId, e);
            return "{\"error\":\"tool failed\"}";
        } finally {
            span.end();
            org.slf4j.MDC.remove("plugin");
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper ARGUMENTS =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** The {@code reason} the model gave {@code request_human}, if its arguments are the JSON object asked for. */
    private static String reason(String arguments) {
        try {
            var node = ARGUMENTS.readTree(arguments == null ? "{}" : arguments);
            return node.path("reason").isTextual() ? node.path("reason").asText() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The tokens of one model call, as usage events (keys derived from the reply's new id). */
    /** The agent's fallback models, for the gateway. */
    static List<io.channelhub.hub.llm.ModelGateway.Fallback> fallbacks(AgentSpec spec) {
        if (spec.fallbacks() == null) {
            return List.of();
        }
        return spec.fallbacks().stream().map(f -> new io.channelhub.hub.llm.ModelGateway.Fallback(f.provider(),
                f.model(), f.api() == null ? null : AgentSpec.RESPONSES.equals(f.api())
                        ? io.channelhub.plugin.model.ModelRequest.Api.RESPONSES
                        : io.channelhub.plugin.model.ModelRequest.Api.CHAT_COMPLETIONS)).toList();
    }

    private static List<UsageLedger.UsageEvent> tokenUsage(Conversation c, ModelReply reply, String key) {
        return UsageLedger.modelTokens(c.tenantId(), null, c.channelInstanceId(), c.agentId(), reply.model(),
                reply.usage(), key);
    }

    /** The history window: the last N messages, cut further to about max_tokens (4 characters a token). */
    private List<ModelMessage> window(Conversation c, AgentSpec spec) {
        ConversationRepository.Window w = repo.window(c.tenantId(), c.id(), spec.history().maxMessages());
        List<Message> recent = w.messages();
        Map<String, List<String>> files = media.attachments(c.tenantId(),
                recent.stream().filter(m -> "user".equals(m.role()) && w.withFiles().contains(m.id()))
                        .map(Message::id).toList());
        List<ModelMessage> out = new ArrayList<>();
        long budget = MAX_ATTACHMENT_BYTES;
        // Newest first, so the files of the latest message get the byte budget.
        for (int i = recent.size() - 1; i >= 0; i--) {
            Message m = recent.get(i);
            if (m.is(Message.Status.FAILED)) {
                continue;
            }
            List<ModelMessage.Attachment> attached = new ArrayList<>();
            for (String id : files.getOrDefault(m.id(), List.of())) {
                var meta = media.find(c.tenantId(), null, id).orElse(null);
                if (meta == null || meta.size() > budget) {
                    continue;
                }
                budget -= meta.size();
                media.content(c.tenantId(), null, id).ifPresent(bytes -> attached.add(
                        new ModelMessage.Attachment(meta.contentType(), meta.fileName(), bytes)));
            }
            String text = ("user".equals(m.role()) || "tool".equals(m.role()))
                    ? redaction.forPrompt(c.tenantId(), m.content()) : m.content();
            out.add(0, new ModelMessage(m.role(), text, m.toolCalls(), m.toolCallId(), attached));
        }
        Integer maxTokens = spec.history().maxTokens();
        if (maxTokens != null) {
            long total = out.stream().mapToLong(m -> m.content() == null ? 0 : m.content().length() / 4 + 1).sum();
            while (out.size() > 1 && total > maxTokens) {
                ModelMessage dropped = out.remove(0);
                total -= dropped.content() == null ? 0 : dropped.content().length() / 4 + 1;
            }
        }
        // A window must not start with tool results whose call was cut off.
        while (out.size() > 1 && "tool".equals(out.get(0).role())) {
            out.remove(0);
        }
        return out;
    }

    /** The hub's own tool of an agent with {@code handoff.tool}: hand the conversation to a person. */
    static final ModelRequest.Tool HANDOFF_TOOL = new ModelRequest.Tool(AgentSpec.Handoff.TOOL,
            "Hand this conversation to a person on the team: when the user asks for one, is upset, or needs what you "
                    + "may not do. A person answers from then on.",
            "{\"type\":\"object\",\"properties\":{\"reason\":{\"type\":\"string\",\"description\":\"Why a "
                    + "person should take over, in a few words\"}},\"required\":[\"reason\"]}");

    private ModelRequest request(Agent agent, AgentSpec spec, List<ModelMessage> window) {
        List<ModelRequest.Tool> tools = new ArrayList<>(spec.tools().stream().map(t -> new ModelRequest.Tool(
                t.path("function").path("name").asText(), t.path("function").path("description").asText(null),
                t.path("function").has("parameters") ? t.path("function").get("parameters").toString() : null))
                .toList());
        if (spec.handoffSettings().offersTool()) {
            tools.add(HANDOFF_TOOL);
        }
        ModelRequest.ResponseFormat format = null;
        if (spec.responseFormat() != null) {
            var rf = spec.responseFormat();
            var js = rf.path("json_schema");
            format = new ModelRequest.ResponseFormat(rf.path("type").asText(), js.path("name").asText(null),
                    js.has("schema") ? js.get("schema").toString() : null, js.path("strict").asBoolean(false));
        }
        return new ModelRequest(spec.model(), AgentSpec.RESPONSES.equals(spec.api()) ? ModelRequest.Api.RESPONSES
                : ModelRequest.Api.CHAT_COMPLETIONS, agents.instructions(agent), List.copyOf(window),
                spec.temperature() == null ? null : spec.temperature().doubleValue(),
                spec.topP() == null ? null : spec.topP().doubleValue(), spec.maxOutputTokens(), tools, format,
                spec.knowledge().hostedIds());
    }
}
