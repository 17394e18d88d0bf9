package io.channelhub.hub.channels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.delivery.Deliverer;
import io.channelhub.hub.delivery.Outbox;
import io.channelhub.hub.delivery.OutboxItem;
import io.channelhub.hub.limits.RateLimiter;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.conversations.Message;
import io.channelhub.plugin.channel.OutboundMessage;
import io.channelhub.plugin.channel.SendResult;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers outbox rows of kind {@code channel}: one part of a message through the instance's plugin, at the pace
 * the channel allows per instance (a token bucket shared by all replicas when Redis is configured). The outcome of
 * {@code send} maps to the outbox's: delivered, retried with backoff (honouring the channel's retry-after), or
 * dead. A part already sent (the node died before recording it) is not sent again.
 */
public class ChannelSender implements Deliverer {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelSender.class);
    /**
     * Longest a worker waits for the pace before deferring the row. Short waits keep a paced number at its rate;
     * longer ones would hold a worker that webhooks share.
     */
    static final long MAX_PACING_WAIT_MS = 1_000;

    private final io.channelhub.hub.metering.UsageLedger ledger;
    private final ChannelInstanceRepository instances;
    private final ChannelContexts contexts;
    private final DeliveryParts deliveries;
    private final ConversationRepository conversations;
    private final PluginPlatform plugins;
    private final RateLimiter pace;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Clock clock;
    private final io.channelhub.hub.delivery.WorkSignal signal;

    public ChannelSender(ChannelInstanceRepository instances, ChannelContexts contexts,
                            DeliveryParts deliveries, ConversationRepository conversations, PluginPlatform plugins,
                            RateLimiter pace, Outbox outbox, io.channelhub.hub.metering.UsageLedger ledger,
                            ObjectMapper json, Clock clock, io.channelhub.hub.delivery.WorkSignal signal) {
        this.signal = signal;
        this.ledger = ledger;
        this.instances = instances;
        this.contexts = contexts;
        this.deliveries = deliveries;
        this.conversations = conversations;
        this.plugins = plugins;
        this.pace = pace;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public Outcome deliver(OutboxItem item) {
        JsonNode p;
        try {
            p = json.readTree(item.payload());
        } catch (java.io.IOException e) {
            return new Outcome.Permanent(null, "unreadable payload");
        }
        Optional<DeliveryParts.Delivery> found = deliveries.find(item.tenantId(), p.path("delivery_id").asText());
        if (found.isEmpty()) {
            return new Outcome.Permanent(null, "delivery record missing");
        }
        DeliveryParts.Delivery d = found.get();
        if (d.channelMessageId() != null) {
            release(d);
            return new Outcome.Delivered(200);
        }
        if (d.status() == DeliveryParts.State.FAILED) {
            return new Outcome.Permanent(null, "failed earlier: " + d.errorCode());
        }
        ChannelInstance ci = instances.findForRoute(item.targetId()).orElse(null);
        if (ci == null || !ci.enabled()) {
            fail(d, "instance_unavailable");
            return new Outcome.Permanent(null, "the channel instance is deleted or disabled");
        }
        PluginPlatform.LoadedConnector c = plugins.connector(ci.pluginId()).orElse(null);
        if (c == null) {
            // Deferred, not retried: a plugin being upgraded must not use up the message's attempts.
            return new Outcome.Deferred("plugin " + ci.pluginId() + " is not running", Duration.ofMinutes(1));
        }
        var ctx = contexts.forInstance(ci);
        long waitMs = paced(ci, c.connector().sendRatePerSecond(ctx.settings()));
        if (waitMs > 0) {
            return new Outcome.Deferred("paced", Duration.ofMillis(waitMs));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        p.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
        // The hub's id, stable across retries: the channel may use it as an idempotency key.
        String id = d.part() == 0 ? d.messageId() : d.messageId() + ":" + d.part();
        OutboundMessage m = new OutboundMessage(id, p.path("conversation_id").asText(null), d.contactExternalId(),
                OutboundMessage.Kind.valueOf(d.kind()), p.path("text").asText(null), attributes);
        SendResult r;
        try {
            r = plugins.call(ci.pluginId(), "send", () -> c.connector().send(m, ctx));
        } catch (io.channelhub.hub.limits.QuotaExceeded refused) {
            // The plugin metered the send (segments, a paid message) past the tenant's hard quota: no retry can pass
            // before the period ends, and a reply that late helps nobody. The part fails with the quota's code.
            fail(d, refused.code(), null, refused.getMessage());
            return new Outcome.Permanent(null, refused.code() + ": " + refused.getMessage());
        }
        if (r instanceof SendResult.Delivered ok) {
            deliveries.sent(d, ok.channelMessageId(), clock.instant());
            conversations.channelStatus(d.tenantId(), d.messageId(), Message.Status.SENT, null,
                    ok.channelMessageId());
            release(d);
            if (m.kind() == OutboundMessage.Kind.TEMPLATE) {
                meterTemplate(ci, d, attributes.get("template_category"));
            }
            return new Outcome.Delivered(200);
        }
        if (r instanceof SendResult.Retryable retry) {
            return new Outcome.Retry(null, retry.reason(), retry.retryAfter() == null ? null
                    : retry.retryAfter().orElse(null));
        }
        SendResult.Permanent no = (SendResult.Permanent) r;
        fail(d, no.code(), no.errorTitle(), no.errorDetails());
        return new Outcome.Permanent(null, no.code() + ": " + no.reason());
    }

    /**
     * Template sends are what channels charge for (business-initiated conversations), so the core meters them for
     * every channel: {@code channel.template_sends} and, per category the channel reported at the check (pricing
     * differs: marketing, utility, authentication), {@code channel.template_sends.<category>}. The message id keys
     * both, so a retried delivery is counted once.
     */
    private void meterTemplate(ChannelInstance ci, DeliveryParts.Delivery d, String category) {
        ledger.record(new io.channelhub.hub.metering.UsageLedger.UsageEvent(d.tenantId(), "channel.template_sends", 1,
                "message", ci.pluginId(), ci.id(), null, null, "template:" + d.messageId()));
        if (category != null && category.matches("[A-Za-z_]{1,32}")) {
            ledger.record(new io.channelhub.hub.metering.UsageLedger.UsageEvent(d.tenantId(),
                    "channel.template_sends." + category.toLowerCase(java.util.Locale.ROOT), 1, "message",
                    ci.pluginId(), ci.id(), null, null, "template-category:" + d.messageId()));
        }
    }

    @Override
    public void dead(OutboxItem item) {
        try {
            deliveries.find(item.tenantId(), json.readTree(item.payload()).path("delivery_id").asText())
                    .filter(d -> d.channelMessageId() == null).ifPresent(d -> fail(d, "retries_exhausted"));
        } catch (java.io.IOException e) {
            LOG.warn("Dead channel row {} has an unreadable payload", item.id());
        }
    }

    /** Waits for the instance's pace; returns 0 when a token was taken, else how long to come back after. */
    private long paced(ChannelInstance ci, double perSecond) {
        long periodMs = Math.max(1, (long) Math.ceil(1000.0 / Math.max(0.001, perSecond)));
        long waited = 0;
        while (true) {
            RateLimiter.Decision dec = pace.take("send:" + ci.id(), 1, periodMs);
            if (dec.allowed()) {
                return 0;
            }
            long wait = Math.max(1, dec.retryMs());
            if (waited + wait > MAX_PACING_WAIT_MS) {
                return wait;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return wait;
            }
            waited += wait;
        }
    }

    /** The next part may go now that this one is sent. */
    private void release(DeliveryParts.Delivery d) {
        deliveries.next(d).flatMap(n -> outbox.release(d.tenantId(), ChannelOutbox.KIND, d.instanceId(), n.id(),
                clock.instant())).ifPresent(signal::wake);
    }

    private void fail(DeliveryParts.Delivery d, String code) {
        fail(d, code, null, null);
    }

    private void fail(DeliveryParts.Delivery d, String code, String title, String details) {
        deliveries.failed(d, code, title, details, clock.instant());
        conversations.channelStatus(d.tenantId(), d.messageId(), Message.Status.FAILED, code, title, details, null);
        List<String> later = new java.util.ArrayList<>();
        for (var n = deliveries.next(d); n.isPresent(); n = deliveries.next(n.get())) {
            later.add(n.get().id());
        }
        outbox.cancelHeld(d.tenantId(), ChannelOutbox.KIND, d.instanceId(), later, clock.instant());
    }
}
