package io.channelhub.hub.channels;

import io.channelhub.hub.concurrency.CpuShare;
import io.channelhub.hub.concurrency.ThreadModel;
import io.channelhub.hub.contacts.ContactDirectory;
import io.channelhub.hub.conversations.Conversation;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.conversations.Message;
import io.channelhub.hub.conversations.TurnPipeline;
import io.channelhub.hub.conversations.TurnService;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.limits.QuotaExceeded;
import io.channelhub.hub.limits.RateLimits;
import io.channelhub.hub.media.MediaLibrary;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.channel.ContactUpdate;
import io.channelhub.plugin.channel.DeliveryStatus;
import io.channelhub.plugin.channel.FetchedMedia;
import io.channelhub.plugin.channel.MessageReceived;
import io.channelhub.plugin.channel.OutboundMessage;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes what channels delivered after it was stored: messages become conversation messages answered by the
 * agent (the reply queued for the channel), statuses move outbound messages forward, contact updates go to the
 * consent ledger and the contact's state. Every step is repeatable, so an event leased by a node that died is taken
 * over by another (or the same one after a restart) and finishes exactly once: the stored message is found again
 * by its channel id, an existing reply is not generated twice, and a queued reply is not queued twice.
 */
public class InboundProcessor implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(InboundProcessor.class);
    static final Duration LEASE = Duration.ofMinutes(2);
    static final int MAX_ATTEMPTS = 8;
    /** The status of a channel message the agent did not answer; its error code says why. */
    static final String OUTSIDE_WINDOW = "outside_service_window";

    private final InboundEvents events;
    private final ChannelInstanceRepository instances;
    private final ChannelContexts contexts;
    private final ChannelConversations conversations;
    private final ConversationRepository repo;
    private final TurnPipeline pipeline;
    private final TurnService turns;
    private final ContactDirectory contacts;
    private final MediaLibrary media;
    private final ChannelOutbox sends;
    private final DeliveryParts deliveries;
    private final PluginPlatform plugins;
    private final RateLimits limits;
    private final io.channelhub.hub.webhooks.Webhooks webhooks;
    private final Clock clock;
    private final ChannelsConfig config;
    private final ThreadModel threads;
    private final CpuShare share;
    /** Events submitted to the workers and not yet taken: a kick and the poller never queue one twice. */
    private final java.util.Set<String> queued = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private ExecutorService workers;
    private ScheduledExecutorService poller;

    public InboundProcessor(InboundEvents events, ChannelInstanceRepository instances, ChannelContexts contexts,
                            ChannelConversations conversations, ConversationRepository repo, TurnPipeline pipeline,
                            ContactDirectory contacts, MediaLibrary media, ChannelOutbox sends,
                            DeliveryParts deliveries, PluginPlatform plugins, RateLimits limits,
                            io.channelhub.hub.webhooks.Webhooks webhooks, Clock clock, ChannelsConfig config,
                            ThreadModel threads, CpuShare share) {
        this.threads = threads;
        this.share = share;
        this.events = events;
        this.instances = instances;
        this.contexts = contexts;
        this.conversations = conversations;
        this.repo = repo;
        this.pipeline = pipeline;
        this.turns = pipeline.turns();
        this.contacts = contacts;
        this.media = media;
        this.sends = sends;
        this.deliveries = deliveries;
        this.plugins = plugins;
        this.limits = limits;
        this.webhooks = webhooks;
        this.clock = clock;
        this.config = config;
    }

    @Override
    public void start() {
        if (!config.isProcessInbound()) {
            return;
        }
        // Platform threads: a few, since each waits out its turn's model call. Virtual threads: many, since waiting
        // costs nothing.
        workers = threads.workers("inbound", threads.virtual() ? config.getInboundConcurrentTurns()
                : config.getInboundWorkers());
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "inbound-poller");
            t.setDaemon(true);
            return t;
        });
        long every = config.getInboundPollInterval().toMilliseconds();
        poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        if (poller != null) {
            poller.shutdownNow();
            workers.shutdown();
            workers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** A request that stores channel events (a webhook) begins: processing defers to it (acknowledgements first). */
    public void ackStarted() {
        share.ackStarted();
    }

    /** That request answered, {@code latencyNanos} after it arrived. */
    public void ackFinished(long latencyNanos) {
        share.ackFinished(latencyNanos);
    }

    /** A request that began as an acknowledgement turned out to be a live turn (an answer, not an acknowledgement). */
    public void notAnAck() {
        share.ackFinished();
    }

    /**
     * Processes a freshly stored event soon instead of at the next poll. Beyond {@code inboundMaxQueued} waiting
     * events it is left to the poller: it is stored, so waiting costs nothing but time.
     */
    public void kick(String id) {
        submit(id);
    }

    /** Whether the event went to the workers (false: the queue is full, or it is queued already, or stopping). */
    private boolean submit(String id) {
        ExecutorService w = workers;
        if (w == null || queued.size() >= config.getInboundMaxQueued() || !queued.add(id)) {
            return false;
        }
        try {
            w.execute(() -> {
                queued.remove(id);
                try {
                    process(id);
                } catch (RuntimeException e) {
                    // One event's trouble (its lease write failed, say) must not hold back the rest.
                    LOG.warn("Inbound event {} could not be taken; it is retried at the next poll", id, e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            // stopping: the poller of this or another replica takes it
            queued.remove(id);
            return false;
        }
    }

    /**
     * Due events (a backlog left by a burst, a crash's leases, retries) go to the workers as they have room; a full
     * batch is followed by the next at once, so a backlog drains at the workers' pace, not a batch a second.
     */
    private void poll() {
        try {
            while (true) {
                int room = config.getInboundMaxQueued() - queued.size();
                if (room <= 0) {
                    return;
                }
                java.util.List<String> due = events.due(clock.instant(), Math.min(500, room));
                int submitted = 0;
                for (String id : due) {
                    if (submit(id)) {
                        submitted++;
                    }
                }
                if (due.size() < Math.min(500, room) || submitted == 0) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Inbound poll failed", e);
        }
    }

    void process(String id) {
        // Acknowledgements first: the turn computes on a CPU permit (given back while its model thinks).
        share.run(() -> {
            processNow(id);
            return null;
        });
    }

    private void processNow(String id) {
        Instant now = clock.instant();
        Optional<InboundEvents.Claimed> claimed = events.claim(id, now, now.plus(LEASE));
        if (claimed.isEmpty()) {
            return;
        }
        InboundEvents.Claimed c = claimed.get();
        org.slf4j.MDC.put("tenant_id", c.tenantId());
        org.slf4j.MDC.put("plugin", c.pluginId());
        try {
            ChannelInstance ci = instances.find(c.tenantId(), c.instanceId()).orElse(null);
            if (ci == null) {
                events.failed(c.tenantId(), c.id(), "the channel instance was deleted", null);
                return;
            }
            if (c.event() instanceof MessageReceived m) {
                message(c, ci, m);
            } else if (c.event() instanceof DeliveryStatus s) {
                status(c, ci, s);
                return;
            } else if (c.event() instanceof ContactUpdate u) {
                contact(ci, u);
            }
            events.processed(c.tenantId(), c.id(), null);
        } catch (Retry r) {
            retry(c, r.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Processing inbound event {} failed (attempt {})", c.id(), c.attempts(), e);
            retry(c, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            org.slf4j.MDC.remove("tenant_id");
            org.slf4j.MDC.remove("plugin");
        }
    }

    private void retry(InboundEvents.Claimed c, String error) {
        Instant next = c.attempts() >= MAX_ATTEMPTS ? null
                : clock.instant().plus(Duration.ofSeconds(Math.min(600, 1L << Math.min(9, c.attempts()))));
        events.failed(c.tenantId(), c.id(), error, next);
    }

    private void message(InboundEvents.Claimed c, ChannelInstance ci, MessageReceived m) {
        contacts.received(ci.tenantId(), ci.id(), m, m.sentAt() == null ? clock.instant() : m.sentAt());
        var ctx = contexts.forInstance(ci);
        String agentRef = ctx.settings().get("agent").orElse(null);
        Conversation conv = conversations.currentOrOpen(ci, m.contactExternalId(), agentRef);
        Message user = stored(c, ci, conv, m);
        // Meta redelivers for days after an outage: a message older than the window gets no free-form answer, as
        // the send API would refuse it. The channel's timestamp decides, not when the hub received it.
        if (!sends.replyWindowOpen(ci, m.sentAt() == null ? clock.instant() : m.sentAt())) {
            pipeline.unanswered(user, OUTSIDE_WINDOW);
            if (!"true".equals(m.attributes().get("skip_agent")) && !sends.replyWindowOpen(ci, contacts.find(
                    ci.tenantId(), ci.id(), m.contactExternalId()).map(ContactDirectory.Contact::lastInboundAt)
                    .orElse(null)) && repo.replyAfter(ci.tenantId(), conv.id(), user.seq()).isEmpty()) {
                // Nothing newer from the contact opened the window again (a redelivery after an outage comes behind
                // the contact's current messages, which the agent answers), it is no opt-out the channel handled, and
                // nobody answered it: a person may still, with a template. An agent that hands over queues it.
                turns.queueForPerson(conv, user, OUTSIDE_WINDOW);
            }
            LOG.info("No reply to inbound message {}: sent at {}, outside the channel's service window",
                    user.id(), m.sentAt());
            return;
        }
        if ("true".equals(m.attributes().get("skip_agent"))) {
            String auto = m.attributes().get("auto_reply");
            if (auto != null && !auto.isBlank()) {
                Message reply = repo.replyAfter(ci.tenantId(), conv.id(), user.seq())
                        .orElseGet(() -> turns.storeAssistantText(conv, auto));
                sends.enqueue(ci, conv.id(), reply.id(), m.contactExternalId(), OutboundMessage.Kind.TEXT,
                        reply.content(), Map.of());
            }
            return;
        }
        Optional<Message> existing = repo.replyAfter(ci.tenantId(), conv.id(), user.seq())
                .filter(r -> !r.is(Message.Status.FAILED));
        if (existing.isPresent()) {
            // Answered before a crash: the reply is sent, not asked for again (the outbox drops a repeated send).
            deliver(ci, conv, m, existing.get());
            return;
        }
        // The pipeline's CHANNEL_QUEUED row: limits and quotas decide before the contact is shown anything (the
        // typing indicator) or the model is asked; a refused turn leaves the message stored and marked.
        TurnPipeline.Admitted admitted;
        try {
            admitted = pipeline.begin(user, TurnPipeline.Entry.CHANNEL_QUEUED,
                    limits.channelTurn(ci.tenantId(), ci.id(), m.contactExternalId()));
        } catch (RateLimits.Refused | QuotaExceeded e) {
            LOG.info("No reply to an inbound message: {}", e.getMessage());
            return;
        }
        try (admitted) {
            if (conv.agentAnswers()) {
                typing(ci, conv, user, m);
            }
            // The channel's outbox is this entry's reply sink; no reply while a person holds the conversation.
            admitted.answer(conv, user, r -> {
                if (r.reply() != null) {
                    deliver(ci, conv, m, r.reply());
                }
            });
        } catch (HubFailure e) {
            // A model outage: the message stays stored, the reply is tried again with backoff.
            throw new Retry(e.code());
        }
    }

    /** Queues a stored reply for the contact: only a completed answer with text is sent. */
    private void deliver(ChannelInstance ci, Conversation conv, MessageReceived m, Message reply) {
        if (reply.content() != null && !reply.content().isBlank() && reply.is(Message.Status.COMPLETED)) {
            sends.enqueue(ci, conv.id(), reply.id(), m.contactExternalId(), OutboundMessage.Kind.TEXT,
                    reply.content(), Map.of("reply_to", m.externalId()));
        }
    }

    /**
     * Tells the contact the agent is answering: the channel's typing indicator on their message (WhatsApp also
     * marks it read). Queued like any send, once per message; a channel without the capability gets nothing.
     */
    private void typing(ChannelInstance ci, Conversation conv, Message user, MessageReceived m) {
        boolean can = plugins.connector(ci.pluginId()).map(c -> c.descriptor().capabilities()
                .contains(io.channelhub.plugin.channel.ChannelCapability.TYPING)).orElse(false);
        if (can) {
            sends.enqueueSignal(ci, conv.id(), user.id() + ":typing", m.contactExternalId(),
                    OutboundMessage.Kind.TYPING, Map.of("message_id", m.externalId()));
        }
    }

    /** The conversation message of this event: stored once, found again after a crash. */
    private Message stored(InboundEvents.Claimed c, ChannelInstance ci, Conversation conv, MessageReceived m) {
        if (c.messageId() != null) {
            Optional<Message> linked = repo.message(ci.tenantId(), c.messageId());
            if (linked.isPresent()) {
                return linked.get();
            }
        }
        // The message and the event's link are one commit, so without a link there is no message. Only a retry
        // looks further, for a message a version that linked it separately stored before it stopped: in this
        // contact's conversation, an index range, never the number's whole history on every message.
        if (c.attempts() > 1) {
            Optional<Message> again = repo.byExternalIdIn(ci.tenantId(), conv.id(), m.externalId());
            if (again.isPresent()) {
                events.linkMessage(ci.tenantId(), c.id(), again.get().id());
                return again.get();
            }
        }
        List<String> files = new ArrayList<>();
        var connector = plugins.connector(ci.pluginId());
        if (connector.isPresent()) {
            Optional<FetchedMedia> f = plugins.call(ci.pluginId(), "fetchMedia",
                    () -> connector.get().connector().fetchMedia(m, contexts.forInstance(ci)));
            f.filter(x -> x.content().length > 0 && x.content().length <= MediaLibrary.MAX_BYTES)
                    .ifPresent(x -> files.add(media.forInstance(ci.tenantId(), ci.id(), ci.pluginId())
                            .put(x.contentType(), x.fileName(), x.content(), m.contactExternalId()).id()));
        }
        String kind = m.kind() == null ? Message.TEXT : m.kind().name().toLowerCase(Locale.ROOT);
        String text = m.text() == null || m.text().isBlank() ? "[" + kind + "]" : m.text();
        return turns.storeUserMessageWith(conv, text, m.externalId(), files, kind,
                InboundEvents.linkedWith(ci.tenantId(), c.id()));
    }

    private void status(InboundEvents.Claimed c, ChannelInstance ci, DeliveryStatus s) {
        Optional<DeliveryParts.Delivery> d = deliveries.byChannelId(ci.tenantId(), ci.id(), s.externalMessageId());
        if (d.isEmpty()) {
            // The report can overtake the send's own answer: try again shortly; give up on an unknown message.
            if (c.attempts() >= 4) {
                events.processed(c.tenantId(), c.id(), null);
            } else {
                events.failed(c.tenantId(), c.id(), "no outbound message with this channel id yet",
                        clock.instant().plusSeconds(c.attempts()));
            }
            return;
        }
        DeliveryParts.State state = DeliveryParts.State.of(s.state());
        if (deliveries.advance(d.get(), state, s.errorCode(), s.errorTitle(), s.errorDetails(), clock.instant())) {
            repo.channelStatus(ci.tenantId(), d.get().messageId(), state.message(), s.errorCode(), s.errorTitle(),
                    s.errorDetails(), null);
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("message_id", d.get().messageId());
            data.put("part", d.get().part());
            data.put("channel_instance_id", ci.id());
            data.put("status", state.wire());
            data.put("error_code", s.errorCode());
            data.put("error_title", s.errorTitle());
            data.put("error_details", s.errorDetails());
            webhooks.emit(ci.tenantId(), "message.status", data);
        }
        events.processed(c.tenantId(), c.id(), null);
    }

    private void contact(ChannelInstance ci, ContactUpdate u) {
        if (u.consentPurpose() != null) {
            contacts.upsert(ci.tenantId(), ci.id(), u.contactExternalId(), null, Map.of());
            contacts.recordConsent(ci.tenantId(), ci.id(), new Contacts.ConsentRecord(u.contactExternalId(),
                    u.consentPurpose(), u.consentStatus(), u.method(), u.evidence(), u.at() == null ? clock.instant()
                    : u.at()));
            // The method is optional in ContactUpdate, and Map.of refuses a null.
            Map<String, Object> event = new java.util.LinkedHashMap<>();
            event.put("channel_instance_id", ci.id());
            event.put("contact", u.contactExternalId());
            event.put("purpose", u.consentPurpose());
            event.put("status", u.consentStatus().name().toLowerCase(Locale.ROOT));
            event.put("method", u.method());
            webhooks.emit(ci.tenantId(), "consent.changed", event);
        }
        if (u.reachability() != null) {
            contacts.reachability(ci.tenantId(), ci.id(), u.contactExternalId(), u.reachability().name());
        }
    }

    /** A failure worth trying again later. */
    private static final class Retry extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Retry(String reason) {
            super(reason, null, false, false);
        }
    }
}
