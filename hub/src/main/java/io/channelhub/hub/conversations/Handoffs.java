package io.channelhub.hub.conversations;

import io.channelhub.hub.agents.AgentSpec;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.webhooks.Webhooks;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Human takeover of conversations: a person asked for ({@link #request}), taken from the tenant's queue
 * ({@link #take}), answered by that person, and handed back to the agent ({@link #release}). The state is a few
 * columns of the conversation row, which every turn reads anyway, so the agent's turns pay nothing for it; each change
 * is one conditional update (two console users taking the same conversation: one wins, the other is told who has it).
 * Every change emits a signed webhook, so an integrator's own notifications (a sales chat, a pager) follow the queue.
 */
public class Handoffs {

    /** Webhook events of the queue. */
    public static final String REQUESTED = "conversation.handoff_requested";
    public static final String TAKEN = "conversation.handoff_taken";
    public static final String RELEASED = "conversation.handoff_released";
    public static final List<String> EVENTS = List.of(REQUESTED, TAKEN, RELEASED);

    /** Who asked for a person. */
    public static final String BY_VISITOR = "visitor";
    public static final String BY_AGENT = "agent";

    /** What counts as asking for a person when the agent names no phrases: English, Portuguese, Spanish. */
    static final Map<String, List<String>> PHRASES = Map.of(
            "en", List.of("talk to a human", "speak to a human", "talk to a person", "speak to a person",
                    "talk to someone", "speak to someone", "talk to a real person", "human agent", "live agent",
                    "talk to an agent", "speak to an agent", "talk to a representative", "speak with a human",
                    "speak with a person", "chat with a human", "real person please"),
            "pt", List.of("falar com um atendente", "falar com atendente", "falar com uma pessoa", "falar com um humano",
                    "falar com alguem", "atendente humano", "atendimento humano", "quero um atendente",
                    "chamar um atendente", "pessoa de verdade", "falar com o suporte", "falar com um agente"),
            "es", List.of("hablar con un agente", "hablar con una persona", "hablar con un humano",
                    "hablar con alguien", "agente humano", "atencion humana", "quiero un agente",
                    "persona real"));

    /** The answer to a visitor's request when the agent sets none, in the language of what they said. */
    static final Map<String, String> WAITING = Map.of(
            "en", "Sure, I am getting a person for you. They will answer here as soon as they can.",
            "pt", "Certo, vou chamar um atendente. Ele vai responder aqui assim que puder.",
            "es", "Claro, llamo a una persona. Te responderá aquí en cuanto pueda.");

    /** The conversation is its agent's again: every handoff column cleared (the caller adds its condition). */
    private static final String BACK_TO_AGENT = "UPDATE conversations SET handoff_state = NULL, handoff_requested_by = "
            + "NULL, handoff_reason = NULL, handoff_holder_id = NULL, handoff_holder_name = NULL, handoff_at = NULL, "
            + "handoff_expires_at = NULL, updated_at = :at WHERE tenant_id = :t AND id = :id ";

    private static final Pattern NOT_LETTERS = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private final Jdbi jdbi;
    private final ConversationRepository repo;
    private final UsageLedger ledger;
    private final Webhooks webhooks;
    private final io.channelhub.hub.audit.AuditLog audit;
    private final Clock clock;
    /** The agent's {@code handoff.wait_minutes}, by (tenant, agent id); null: a request waits until taken. */
    private final java.util.function.BiFunction<String, String, Integer> waitMinutes;

    public Handoffs(Jdbi jdbi, ConversationRepository repo, UsageLedger ledger, Webhooks webhooks,
                    io.channelhub.hub.audit.AuditLog audit, Clock clock) {
        this(jdbi, repo, ledger, webhooks, audit, clock, (tenant, agent) -> null);
    }

    public Handoffs(Jdbi jdbi, ConversationRepository repo, UsageLedger ledger, Webhooks webhooks,
                    io.channelhub.hub.audit.AuditLog audit, Clock clock,
                    java.util.function.BiFunction<String, String, Integer> waitMinutes) {
        this.waitMinutes = waitMinutes;
        this.audit = audit;
        this.jdbi = jdbi;
        this.repo = repo;
        this.ledger = ledger;
        this.webhooks = webhooks;
        this.clock = clock;
    }

    /**
     * The language of the phrase a visitor's message asks for a person with ({@code en}, {@code pt}, {@code es}, or
     * {@code custom} for one of the agent's own phrases); empty when it does not ask.
     */
    static Optional<String> asksForPerson(AgentSpec.Handoff settings, String text) {
        if (!settings.on() || text == null || text.length() > 2_000) {
            return Optional.empty();
        }
        String said = " " + normalize(text) + " ";
        if (settings.phrases() != null && !settings.phrases().isEmpty()) {
            return settings.phrases().stream().anyMatch(p -> said.contains(" " + normalize(p) + " "))
                    ? Optional.of("custom") : Optional.empty();
        }
        for (var e : PHRASES.entrySet()) {
            if (e.getValue().stream().anyMatch(p -> said.contains(" " + normalize(p) + " "))) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** Lower case, accents and punctuation gone, words single-spaced: "Falar com um ATENDENTE!" matches. */
    static String normalize(String s) {
        String plain = MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("");
        return NOT_LETTERS.matcher(plain.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }

    /** What a visitor who asked for a person is told. */
    static String waitingMessage(AgentSpec.Handoff settings, String language) {
        if (settings.waitingMessage() != null) {
            return settings.waitingMessage();
        }
        return WAITING.getOrDefault(language, WAITING.get("en"));
    }

    /**
     * Puts the conversation in the queue: waiting for a person. Nothing changes when a person was already asked for
     * or holds it (false).
     */
    public boolean request(Conversation c, String requestedBy, String reason) {
        Instant now = clock.instant();
        String why = reason == null ? null : reason.length() > 500 ? reason.substring(0, 500) : reason;
        Integer wait = c.agentId() == null ? null : waitMinutes.apply(c.tenantId(), c.agentId());
        Instant expires = wait == null ? null : now.plus(java.time.Duration.ofMinutes(wait));
        int changed = jdbi.withHandle(h -> h.createUpdate("UPDATE conversations SET handoff_state = :s, "
                        + "handoff_requested_by = :by, handoff_reason = :why, handoff_holder_id = NULL, "
                        + "handoff_holder_name = NULL, handoff_at = :at, handoff_expires_at = :expires, updated_at = :at "
                        + "WHERE tenant_id = :t AND id = :id AND handoff_state IS NULL").bind("s", Handoff.WAITING)
                .bind("by", requestedBy).bind("why", why).bind("at", now).bind("expires", expires)
                .bind("t", c.tenantId()).bind("id", c.id()).execute());
        if (changed == 1) {
            emit(c.tenantId(), c.id(), REQUESTED);
            if (!requestedBy.startsWith("api:")) {
                // The end user or the agent asked: no key did it, so the entry has no actor (the API route audits
                // its caller's request itself).
                audit.success(null, c.tenantId(), "conversation.handoff_request", "conversation", c.id(),
                        Map.of("requested_by", requestedBy));
            }
        }
        return changed == 1;
    }

    /**
     * A person takes the conversation (from the queue, or straight from the agent): until they hand it back, the
     * agent does not answer and their replies carry {@code name}. Taking one held by someone else is refused with
     * who holds it; taking one's own again changes nothing.
     */
    public Conversation take(String tenantId, String conversationId, String holderId, String name) {
        Instant now = clock.instant();
        int changed = jdbi.withHandle(h -> h.createUpdate("UPDATE conversations SET handoff_state = :s, "
                        + "handoff_holder_id = :who, handoff_holder_name = :name, handoff_at = :at, "
                        + "handoff_expires_at = NULL, updated_at = :at, "
                        + "handoff_requested_by = COALESCE(handoff_requested_by, :by) WHERE tenant_id = :t AND id = :id "
                        + "AND (handoff_state IS NULL OR handoff_state = :waiting)").bind("s", Handoff.HUMAN)
                .bind("who", holderId).bind("name", name).bind("at", now).bind("by", "api:" + holderId)
                .bind("t", tenantId).bind("id", conversationId).bind("waiting", Handoff.WAITING).execute());
        Conversation c = repo.find(tenantId, conversationId).orElseThrow(() -> Failure.notFound("conversation"));
        if (changed == 0 && (c.handoff() == null || !holderId.equals(c.handoff().holderId()))) {
            throw Failure.conflict("handoff_held", "another person holds this conversation",
                    Map.of("holder_name", c.handoff() == null || c.handoff().holderName() == null ? ""
                            : c.handoff().holderName()));
        }
        if (changed == 1) {
            emit(tenantId, conversationId, TAKEN);
        }
        return c;
    }

    /**
     * Hands the conversation back to the agent (or dismisses a request nobody took). Only its holder does, unless
     * {@code anyone} (a tenant admin clearing a colleague's conversation). Handing back one the agent has changes
     * nothing.
     */
    public Conversation release(String tenantId, String conversationId, String principalId, boolean anyone) {
        Instant now = clock.instant();
        int changed = jdbi.withHandle(h -> h.createUpdate(BACK_TO_AGENT + "AND handoff_state IS NOT NULL AND (:anyone "
                        + "OR handoff_state = :waiting OR handoff_holder_id = :who)").bind("at", now).bind("t", tenantId)
                .bind("id", conversationId).bind("anyone", anyone).bind("waiting", Handoff.WAITING)
                .bind("who", principalId).execute());
        Conversation c = repo.find(tenantId, conversationId).orElseThrow(() -> Failure.notFound("conversation"));
        if (changed == 0 && c.handoff() != null) {
            throw Failure.conflict("handoff_held", "another person holds this conversation; only they (or a tenant "
                    + "admin) hand it back", Map.of("holder_name", c.handoff().holderName() == null ? ""
                    : c.handoff().holderName()));
        }
        if (changed == 1) {
            emit(tenantId, conversationId, RELEASED);
        }
        return c;
    }

    /**
     * Gives up waiting for a person (the agent's wait elapsed and nobody took it): the conversation is the agent's
     * again, said in a {@code conversation.handoff_released} webhook and the audit log. A person who took it meanwhile
     * keeps it. Returns the conversation as it now is.
     */
    public Conversation giveUp(Conversation c) {
        Instant now = clock.instant();
        int changed = jdbi.withHandle(h -> h.createUpdate(BACK_TO_AGENT + "AND handoff_state = :waiting")
                .bind("at", now).bind("t", c.tenantId()).bind("id", c.id()).bind("waiting", Handoff.WAITING).execute());
        if (changed == 1) {
            emit(c.tenantId(), c.id(), RELEASED);
            audit.success(null, c.tenantId(), "conversation.handoff_expire", "conversation", c.id(), Map.of());
        }
        return repo.find(c.tenantId(), c.id()).orElse(c);
    }

    /**
     * Releases the requests nobody took within their agent's wait ({@code handoff_expires_at} passed), at most
     * {@code limit}: each goes back to the agent with its webhook and audit entry, as {@link #giveUp} does. Replicas
     * may sweep at once: each release is conditional, so each happens once.
     *
     * @return how many were released
     */
    public int expireDue(int limit) {
        Instant now = clock.instant();
        List<Map.Entry<String, String>> due = jdbi.withHandle(h -> h.createQuery("SELECT tenant_id, id FROM "
                        + "conversations WHERE handoff_expires_at <= :now AND handoff_state = :waiting ORDER BY "
                        + "handoff_expires_at LIMIT :n").bind("now", now).bind("waiting", Handoff.WAITING)
                .bind("n", limit).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list());
        int released = 0;
        for (Map.Entry<String, String> d : due) {
            Optional<Conversation> c = repo.find(d.getKey(), d.getValue());
            if (c.isPresent() && c.get().handoff() != null && c.get().handoff().waiting()) {
                Conversation after = giveUp(c.get());
                released += after.handoff() == null ? 1 : 0;
            }
        }
        return released;
    }

    /**
     * A person's reply, stored as the conversation's assistant message with their name and metered as a sent message
     * in one commit; the caller queues it on the conversation's channel.
     */
    public Message storeReply(Conversation c, String text, String kind, String authorName) {
        Instant now = clock.instant();
        Message draft = Message.draft(c, "assistant").content(text).status(Message.Status.COMPLETED).kind(kind)
                .author(authorName).at(now).build();
        UsageLedger.UsageEvent out = new UsageLedger.UsageEvent(c.tenantId(), "messages.out", 1, "message", null,
                c.channelInstanceId(), c.agentId(), null, "out:" + draft.id());
        Message m = repo.insertMessageAndTouch(draft, now, h -> ledger.insert(h, List.of(out)));
        ledger.recorded(out);
        webhooks.emit(c.tenantId(), "message.sent", Map.of("message", ConversationViews.MessageView.of(m)));
        return m;
    }

    /** The tenant's queue: conversations waiting for a person or held by one ({@code state} null: both), oldest first. */
    public List<Conversation> queue(String tenantId, String state, String holderId, int limit) {
        return repo.handoffQueue(tenantId, state, holderId, limit);
    }

    private void emit(String tenantId, String conversationId, String event) {
        repo.find(tenantId, conversationId).ifPresent(c -> webhooks.emit(tenantId, event,
                Map.of("conversation", ConversationViews.ConversationView.of(c))));
    }
}
