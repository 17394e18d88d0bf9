package io.channelhub.hub.conversations;

import io.channelhub.hub.agents.Agent;
import io.channelhub.hub.limits.QuotaExceeded;
import io.channelhub.hub.limits.QuotaReservation;
import io.channelhub.hub.limits.Quotas;
import io.channelhub.hub.limits.RateLimiter;
import io.channelhub.hub.limits.RateLimits;
import io.channelhub.hub.llm.ModelGateway;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The one path of an agent turn, whichever way it arrives. Every entry point (the conversations API, a channel's
 * live turn, a channel's queued message, the OpenAI-compatible endpoint) goes through the same steps in the same
 * order, and differs only where its row of the {@link Entry} table says so and in its {@link ReplySink}:
 *
 * <ol>
 *   <li><b>replay</b>: a repeated request (an {@code Idempotency-Key}, a channel's message id) gets its stored
 *       answer before anything is admitted, so a full quota never refuses a repeat of work already done (the entry
 *       point knows its own key, so it checks this before calling {@link #begin});</li>
 *   <li><b>admit</b> ({@link #begin}): the entry's rate limits, then its hard quotas reserved and the token quotas
 *       checked, before the message is stored (or, for a queued channel message, which is stored when it arrives,
 *       before the model is asked or the contact is shown anything);</li>
 *   <li><b>store</b> the user's message with its {@code messages.in} usage in one commit
 *       ({@link TurnService#storeUserMessage});</li>
 *   <li><b>answer</b> ({@link Admitted#answer}, or {@link #complete} and {@link #stream} for a stateless call): the
 *       model call, tool rounds the hub answers, and the reply stored with its usage in one commit (a stateless
 *       call stores nothing: its usage goes to the ledger's spool, see {@link #meterCall}); the reply goes to the
 *       sink (the JSON answer, an SSE stream, the channel's outbox);</li>
 *   <li><b>after</b>: quota thresholds are checked (webhooks at 80%, 100%, ...) once per turn, or, for spooled
 *       usage, once the ledger's writer has committed it;</li>
 *   <li><b>refusal</b> ({@link #unanswered}): a stored message whose turn was refused is marked {@code unanswered}
 *       with the reason, never left looking as if an answer were coming.</li>
 * </ol>
 */
public final class TurnPipeline {

    static final List<String> TOKEN_CHECKS = UsageLedger.MODEL_TOKENS;

    /** Why a stored message gets no reply: the reasons {@link #unanswered} records. */
    public static final String RATE_LIMITED = "rate_limited";
    public static final String QUOTA_EXCEEDED = QuotaExceeded.CODE;

    /**
     * The policy table: what each way in reserves before its turn runs. Tokens are known only after the model
     * answered, so every entry checks, not reserves, the token quotas. docs/architecture.md shows this table and
     * {@code TurnPolicyDocsTest} keeps the two equal.
     */
    public enum Entry {
        /** {@code POST /v1/conversations/{id}/messages}: stores the message and answers it. */
        API(List.of("messages.in", "messages.out")),
        /** A channel plugin's live turn (the web widget): the same, answered on the plugin's request. */
        CHANNEL_LIVE(List.of("messages.in", "messages.out")),
        /**
         * A channel message processed from the inbox (WhatsApp): stored and billed as {@code messages.in} when it
         * arrived, whatever happens next, so only the reply is reserved.
         */
        CHANNEL_QUEUED(List.of("messages.out")),
        /** {@code POST /v1/chat/completions}: stateless, nothing stored; one call. */
        COMPLETIONS(List.of("api.chat_completions"));

        private final List<String> reserves;

        Entry(List<String> reserves) {
            this.reserves = reserves;
        }

        public List<String> reserves() {
            return reserves;
        }

        public List<String> checks() {
            return TOKEN_CHECKS;
        }
    }

    private final TurnService turns;
    private final ConversationRepository repo;
    private final ModelGateway models;
    private final UsageLedger ledger;
    private final Quotas quotas;
    private final RateLimits limits;

    public TurnPipeline(TurnService turns, ConversationRepository repo, ModelGateway models, UsageLedger ledger,
                        Quotas quotas, RateLimits limits) {
        this.turns = turns;
        this.repo = repo;
        this.models = models;
        this.ledger = ledger;
        this.quotas = quotas;
        this.limits = limits;
    }

    /**
     * Admits a turn whose message is not stored yet (the API, a channel's live turn): the entry's rate limits
     * ({@code buckets}; the API's were taken by the HTTP filter), then its quota reservation. The caller stores the
     * message and then {@link Admitted#answer answers} it; closing the admission gives back what was not used.
     */
    public Admitted begin(String tenantId, Entry entry, List<RateLimits.Bucket> buckets) {
        RateLimiter.Decision decision = buckets.isEmpty() ? null : limits.take(buckets);
        return new Admitted(admit(tenantId, entry), decision);
    }

    /**
     * The same for a message stored when it arrived (a queued channel message): a refusal (a rate limit, a quota)
     * marks it {@code unanswered} with the reason before it is thrown, so it never looks as if a reply were coming.
     */
    public Admitted begin(Message stored, Entry entry, List<RateLimits.Bucket> buckets) {
        try {
            return begin(stored.tenantId(), entry, buckets);
        } catch (RateLimits.Refused e) {
            unanswered(stored, RATE_LIMITED);
            throw e;
        } catch (QuotaExceeded e) {
            unanswered(stored, QUOTA_EXCEEDED);
            throw e;
        }
    }

    /**
     * An admitted turn: its quota reservation is held until {@link #close()}. A streamed answer written on another
     * thread binds the reservation there first ({@link #bindToThisThread()}).
     */
    public final class Admitted implements AutoCloseable {

        private final QuotaReservation reservation;
        private final RateLimiter.Decision decision;
        /** A user message stored through this admission whose conversation waits for the reply's touch. */
        private Message untouched;

        private Admitted(QuotaReservation reservation, RateLimiter.Decision decision) {
            this.reservation = reservation;
            this.decision = decision;
        }

        /**
         * Stores the user's message of this turn ({@link TurnService#storeUserMessage}); the conversation's
         * last-message time is set by the reply's commit, or by {@link #close()} when no reply is stored (the model
         * failed, the caller left), so a turn touches the conversation once.
         */
        public Message storeUserMessage(Conversation c, String content, String externalId, List<String> mediaIds,
                                        String kind, String requestKey) {
            return storeUserMessage(c, content, externalId, mediaIds, kind, requestKey, null);
        }

        /**
         * The same, running {@code withMessage} in the message's transaction (a channel's link from its inbound
         * event to the message, see {@link TurnService#storeUserMessageWith}).
         */
        public Message storeUserMessage(Conversation c, String content, String externalId, List<String> mediaIds,
                                        String kind, String requestKey,
                                        java.util.function.BiConsumer<org.jdbi.v3.core.Handle, Message> withMessage) {
            Message m = turns.storeUserMessage(c, content, externalId, mediaIds, kind, requestKey, false,
                    withMessage);
            untouched = m;
            return m;
        }

        /** The tightest rate-limit bucket this turn took from, for the answer's headers; null when none. */
        public RateLimiter.Decision rateLimit() {
            return decision;
        }

        /**
         * Answers the stored {@code user} message: nothing but the message while a person holds the conversation or
         * was asked for ({@link Handoffs}), the waiting message when the user asks for a person; otherwise runs the
         * agent: the history window, the model (streamed when the sink
         * streams), tool rounds, the reply stored with the turn's usage in one commit, webhooks, the quota
         * thresholds; then hands the result to the sink. Quotas were decided at admission: a turn that was admitted
         * runs to its end.
         */
        public TurnService.Result answer(Conversation c, Message user, ReplySink sink) {
            TurnService.Result r = turns.respond(c, user, sink);
            if (r.reply() != null && untouched != null && untouched.id().equals(user.id())) {
                // The reply's commit set the conversation's last-message time.
                untouched = null;
            }
            sink.answered(r);
            return r;
        }

        public void bindToThisThread() {
            reservation.bindToThisThread();
        }

        @Override
        public void close() {
            try {
                if (untouched != null) {
                    repo.touchIfLater(untouched.tenantId(), untouched.conversationId(), untouched.createdAt());
                    untouched = null;
                }
            } finally {
                reservation.close();
            }
        }
    }

    /** Reserves what {@code entry} needs on the tenant's hard quotas; {@link QuotaExceeded} when it does not fit. */
    QuotaReservation admit(String tenantId, Entry entry) {
        return quotas.requireAvailable(tenantId, entry.reserves(), entry.checks());
    }

    /** The turns of a stored conversation: storing messages, running the agent. */
    public TurnService turns() {
        return turns;
    }

    /** Marks a stored message as one that gets no reply, with the reason (a stable code). */
    public void unanswered(Message user, String reason) {
        // A message answered before a crash (a redelivered event) keeps its answer: its status says "received"
        // whether or not a reply followed, so the reply is what tells. The row changes only from "received", so a
        // stale copy never overwrites a newer status.
        if (user.is(Message.Status.RECEIVED) && repo.replyAfter(user.tenantId(), user.conversationId(), user.seq())
                .filter(r -> !r.is(Message.Status.FAILED)).isEmpty()) {
            repo.markUnanswered(user.tenantId(), user.id(), reason);
        }
    }

    /** A stateless request with its knowledge: the passages put before the caller's messages, and their citations. */
    public record Grounded(ModelRequest request, List<io.channelhub.hub.knowledge.Citation> citations) {
    }

    /**
     * The retrieval step of a stateless call: the agent's stores searched for the request's last user message, as a
     * conversation's turn does. Without knowledge (or nothing found) the request is unchanged.
     */
    public Grounded ground(String tenantId, Agent agent, ModelRequest request) {
        String last = null;
        for (int i = request.messages().size() - 1; i >= 0 && last == null; i--) {
            if ("user".equals(request.messages().get(i).role())) {
                last = request.messages().get(i).content();
            }
        }
        var g = turns.ground(tenantId, agent.id(), agent.spec(), last);
        if (g.context() == null) {
            return new Grounded(request, List.of());
        }
        List<io.channelhub.plugin.model.ModelMessage> messages = new ArrayList<>();
        messages.add(new io.channelhub.plugin.model.ModelMessage("system", g.context(), List.of(), null, List.of()));
        messages.addAll(request.messages());
        return new Grounded(new ModelRequest(request.model(), request.api(), request.instructions(), messages,
                request.temperature(), request.topP(), request.maxOutputTokens(), request.tools(),
                request.responseFormat(), request.vectorStoreIds()), g.citations());
    }

    /** A stateless completion for an agent (the OpenAI-compatible endpoint), metered through the ledger's spool. */
    public ModelReply complete(String tenantId, Agent agent, ModelRequest request, String callId) {
        ModelReply reply = models.complete(tenantId, agent.spec().provider(), request,
                TurnService.fallbacks(agent.spec()));
        meterCall(tenantId, agent, reply, callId);
        return reply;
    }

    /** The same, streamed: the caller reads it and then calls {@link #meterCall} with what it got (null: cut off). */
    public ModelStream stream(String tenantId, Agent agent, ModelRequest request) {
        return models.stream(tenantId, agent.spec().provider(), request, TurnService.fallbacks(agent.spec()));
    }

    /**
     * The usage of one stateless call the model answered (or began to stream): the call itself, always, and its
     * tokens when the provider reported them (a call the model failed is not billed: its reservation is given back).
     * {@code reply} null: the client went away before the model finished. A stateless call stores nothing else, and
     * its keys come from an id made for it, so its rows take the ledger's spool as {@code api.requests} does: counted
     * in the quotas at once, committed by the background writer in its next batch (a commit per call was a fifth of
     * a completion's CPU), the tenant's thresholds checked once they are committed.
     */
    public void meterCall(String tenantId, Agent agent, ModelReply reply, String callId) {
        meter(tenantId, agent, reply, reply == null ? agent.spec().model() : reply.model(), callId);
    }

    /**
     * A streamed call its client left before the model finished: billed as a call (its tokens are not known) to
     * the model the stream asked, a fallback's when one answered instead of the agent's own.
     */
    public void meterCutOff(String tenantId, Agent agent, ModelStream stream, String callId) {
        meter(tenantId, agent, null, stream instanceof ModelGateway.OpenStream open ? open.model()
                : agent.spec().model(), callId);
    }

    private void meter(String tenantId, Agent agent, ModelReply reply, String model, String callId) {
        List<UsageLedger.UsageEvent> usage = new ArrayList<>();
        usage.add(new UsageLedger.UsageEvent(tenantId, "api.chat_completions", 1, "call", null, null, agent.id(),
                model, "call:" + callId));
        if (reply != null) {
            usage.addAll(UsageLedger.modelTokens(tenantId, null, null, agent.id(), model, reply.usage(), callId));
        }
        ledger.recordBatchedAll(usage);
    }
}
