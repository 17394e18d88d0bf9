package io.channelhub.hub.channels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.contacts.ContactDirectory;
import io.channelhub.hub.delivery.Outbox;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.channel.ChannelDescriptor;
import io.channelhub.plugin.channel.OutboundCheck;
import io.channelhub.plugin.channel.OutboundMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Queues messages for channels: the checks the core owns (the channel's customer-service window, marketing
 * consent, a contact the channel cannot reach), then the channel's own check, then one delivery row per part (a
 * text longer than the channel takes is split) and an outbox row for the first part. Parts go out one after the
 * other: the deliverer queues the next when one is sent, so they arrive in order.
 */
public class ChannelOutbox {

    public static final String KIND = "channel";

    private final Jdbi jdbi;
    private final Outbox outbox;
    private final DeliveryParts deliveries;
    private final ContactDirectory contacts;
    private final PluginPlatform plugins;
    private final ObjectMapper json;
    private final Clock clock;
    private final io.channelhub.hub.delivery.WorkSignal signal;

    public ChannelOutbox(Jdbi jdbi, Outbox outbox, DeliveryParts deliveries, ContactDirectory contacts,
                        PluginPlatform plugins, ObjectMapper json, Clock clock, io.channelhub.hub.delivery.WorkSignal signal) {
        this.signal = signal;
        this.jdbi = jdbi;
        this.outbox = outbox;
        this.deliveries = deliveries;
        this.contacts = contacts;
        this.plugins = plugins;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Refuses what must not go out, with the code the caller sees: free-form outside the window, a marketing
     * template to a contact who withdrew consent, anything to a contact the channel cannot reach, and whatever the
     * channel's own check refuses.
     *
     * @return the template category, when the channel reported one
     */
    public String check(ChannelInstance ci, PluginContext ctx, OutboundMessage m) {
        PluginPlatform.LoadedConnector c = connector(ci);
        ChannelDescriptor d = c.descriptor();
        var contact = contacts.find(ci.tenantId(), ci.id(), m.contactExternalId());
        if (contact.map(ContactDirectory.Contact::unreachable).orElse(false)) {
            throw Failure.invalid("contact_unreachable", "the channel reported that this contact cannot "
                    + "be reached", Map.of("to", m.contactExternalId()));
        }
        boolean freeForm = m.kind() != OutboundMessage.Kind.TEMPLATE;
        if (freeForm) {
            Instant last = contact.map(ContactDirectory.Contact::lastInboundAt).orElse(null);
            if (!windowOpen(d, last)) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("window_hours", d.freeFormWindow().toHours());
                details.put("last_inbound_at", last == null ? null : last.toString());
                throw Failure.invalid("outside_service_window", "free-form messages go out only within "
                        + d.freeFormWindow().toHours() + " hours of the contact's last message; send a template",
                        details);
            }
        }
        OutboundCheck verdict = plugins.call(ci.pluginId(), "checkOutbound",
                () -> c.connector().checkOutbound(m, ctx));
        if (verdict == null) {
            // The plugin broke its contract: its failure (502 plugin_error), not ours.
            throw new io.channelhub.hub.plugins.PluginCallException(ci.pluginId(), "checkOutbound",
                    new IllegalStateException("checkOutbound returned null"));
        }
        if (!verdict.accepted()) {
            throw Failure.invalid(verdict.code() == null ? "invalid_outbound" : verdict.code(),
                    verdict.reason() == null ? "the channel refused this message" : verdict.reason(),
                    new LinkedHashMap<>(verdict.details()));
        }
        if ("MARKETING".equalsIgnoreCase(verdict.category())
                && contacts.consent(ci.tenantId(), m.contactExternalId(), "marketing")
                == Contacts.ConsentStatus.WITHDRAWN) {
            throw Failure.invalid("consent_withdrawn", "this contact withdrew consent to marketing "
                    + "messages", Map.of("purpose", "marketing"));
        }
        return verdict.category();
    }

    /**
     * The customer-service window, one rule for the send API and the agent's replies: a free-form message goes out
     * only within the channel's window after the contact's inbound message it follows (for the send API the
     * contact's latest; for the agent's reply the message it answers, by the channel's own timestamp). A channel
     * without a window is always open; no inbound message at all keeps it closed.
     */
    static boolean windowOpen(ChannelDescriptor d, Instant inboundAt, Instant now) {
        return d.freeFormWindow() == null
                || inboundAt != null && !inboundAt.plus(d.freeFormWindow()).isBefore(now);
    }

    private boolean windowOpen(ChannelDescriptor d, Instant inboundAt) {
        return windowOpen(d, inboundAt, clock.instant());
    }

    /**
     * Whether the agent may answer an inbound message that the contact sent at {@code sentAt} with free-form text:
     * the same window as {@link #check}.
     */
    public boolean replyWindowOpen(ChannelInstance ci, Instant sentAt) {
        return windowOpen(connector(ci).descriptor(), sentAt);
    }

    /**
     * Queues a stored hub message for the channel; repeating it for the same message queues nothing more.
     *
     * @return the delivery ids of its parts
     */
    public List<String> enqueue(ChannelInstance ci, String conversationId, String messageId, String contact,
                                OutboundMessage.Kind kind, String text, Map<String, String> attributes) {
        int max = connector(ci).descriptor().maxTextLength();
        List<String> parts = kind == OutboundMessage.Kind.TEXT ? split(text, max) : java.util.Collections
                .singletonList(text);
        List<DeliveryParts.Delivery> rows = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            rows.add(new DeliveryParts.Delivery(Ids.newId("dlv"), ci.tenantId(), ci.id(), messageId, i, contact,
                    kind.name(), null, DeliveryParts.State.QUEUED, null));
        }
        Instant now = clock.instant();
        Long[] first = new Long[1];
        boolean inserted = jdbi.inTransaction(h -> {
            if (!deliveries.insert(h, rows, now)) {
                return false;
            }
            for (int i = 0; i < rows.size(); i++) {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("delivery_id", rows.get(i).id());
                payload.put("conversation_id", conversationId);
                payload.put("kind", kind.name());
                payload.put("text", parts.get(i));
                payload.put("attributes", attributes == null ? Map.of() : attributes);
                payload.put("parts", rows.size());
                String type = "channel." + kind.name().toLowerCase(java.util.Locale.ROOT);
                // Later parts are held until the deliverer releases each when the one before it was sent.
                if (i == 0) {
                    first[0] = outbox.insert(h, ci.tenantId(), KIND, ci.id(), rows.get(i).id(), type, write(payload),
                            now);
                } else {
                    outbox.insertHeld(h, ci.tenantId(), KIND, ci.id(), rows.get(i).id(), type, write(payload), now);
                }
            }
            return true;
        });
        if (inserted) {
            signal.wake(first[0]);
        }
        return rows.stream().map(DeliveryParts.Delivery::id).toList();
    }

    /**
     * Queues a signal that is not a message of the conversation (a typing indicator, a read receipt), keyed by
     * {@code signalId} so it is queued once.
     */
    public void enqueueSignal(ChannelInstance ci, String conversationId, String signalId, String contact,
                              OutboundMessage.Kind kind, Map<String, String> attributes) {
        enqueue(ci, conversationId, signalId, contact, kind, null, attributes);
    }

    /**
     * Splits text into parts of at most {@code max} characters, at a paragraph, a line, a sentence or a word
     * when one falls in the second half of the part, else hard.
     */
    public static List<String> split(String text, int max) {
        List<String> out = new ArrayList<>();
        if (text == null || max <= 0 || text.length() <= max) {
            out.add(text);
            return out;
        }
        String rest = text;
        while (rest.length() > max) {
            int cut = -1;
            for (String sep : new String[] {"\n\n", "\n", ". ", " "}) {
                int at = rest.lastIndexOf(sep, max - sep.length());
                if (at >= max / 2) {
                    cut = at + sep.length();
                    break;
                }
            }
            if (cut <= 0) {
                cut = Character.isHighSurrogate(rest.charAt(max - 1)) ? max - 1 : max;
            }
            out.add(rest.substring(0, cut).strip());
            rest = rest.substring(cut).stripLeading();
        }
        if (!rest.isBlank()) {
            out.add(rest.strip());
        }
        return out;
    }

    private PluginPlatform.LoadedConnector connector(ChannelInstance ci) {
        return plugins.connector(ci.pluginId()).orElseThrow(() -> Failure.invalid("plugin_unavailable",
                "the plugin of this instance is not running", Map.of("plugin_id", ci.pluginId())));
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
