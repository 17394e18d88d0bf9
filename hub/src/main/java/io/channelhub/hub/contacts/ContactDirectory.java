package io.channelhub.hub.contacts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.persistence.Constraints;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.plugin.Contacts;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The end users of every channel, one row per (tenant, channel instance, channel id), and the consent ledger.
 * Channels reach both only through {@link #forInstance}, bound to one tenant.
 */
public class ContactDirectory {

    /** Profile fields a channel may set (a pre-chat form's answers), with their longest accepted length. */
    static final Map<String, Integer> PROFILE_FIELDS = Map.of("name", 200, "email", 254, "phone", 32);

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Clock clock;
    private final RowMapper<Contact> mapper;

    /** A stored contact. */
    public record Contact(String id, String tenantId, String channelInstanceId, String externalId,
                          String displayName, Map<String, String> profile, Instant createdAt, Instant lastSeenAt,
                          Instant lastInboundAt, String reachability) {

        /** Whether the channel said messages cannot reach this contact. */
        public boolean unreachable() {
            return "UNREACHABLE".equals(reachability);
        }
    }

    public ContactDirectory(Jdbi jdbi, ObjectMapper json, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
        this.mapper = (rs, ctx) -> {
            var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            return new Contact(rs.getString("id"), rs.getString("tenant_id"), rs.getString("channel_instance_id"),
                    rs.getString("external_id"), rs.getString("display_name"), read(rs.getString("profile")),
                    instants.map(rs, "created_at", ctx), instants.map(rs, "last_seen_at", ctx),
                    instants.map(rs, "last_inbound_at", ctx), rs.getString("reachability"));
        };
    }

    /**
     * The contact of this channel id, created on first sight; a new display name or profile value replaces the old
     * one, anything else stays.
     */
    public Contact upsert(String tenantId, String instanceId, String externalId, String displayName,
                          Map<String, String> profile) {
        Map<String, String> clean = new LinkedHashMap<>();
        profile.forEach((k, v) -> {
            Integer max = PROFILE_FIELDS.get(k);
            if (max != null && v != null && !v.isBlank()) {
                clean.put(k, v.length() > max ? v.substring(0, max) : v);
            }
        });
        String name = displayName == null || displayName.isBlank() ? clean.get("name") : displayName;
        if (name != null && name.length() > 200) {
            name = name.substring(0, 200);
        }
        Instant now = clock.instant();
        Optional<Contact> existing = find(tenantId, instanceId, externalId);
        if (existing.isEmpty()) {
            Contact c = new Contact(Ids.newId("con"), tenantId, instanceId, externalId, name, clean, now, now, null,
                    null);
            try {
                final String n = name;
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO contacts (id, tenant_id, channel_instance_id, "
                                + "external_id, display_name, profile, created_at, last_seen_at) VALUES (:id, :t, :ci, "
                                + ":x, :n, :p, :now, :now)")
                        .bind("id", c.id()).bind("t", tenantId).bind("ci", instanceId).bind("x", externalId)
                        .bind("n", n).bind("p", write(clean)).bind("now", now).execute());
                return c;
            } catch (RuntimeException e) {
                if (!Constraints.isUniqueViolation(e)) {
                    throw e;
                }
                // A concurrent first message of the same contact won; update theirs.
                existing = find(tenantId, instanceId, externalId);
            }
        }
        Contact current = existing.orElseThrow();
        Map<String, String> merged = new LinkedHashMap<>(current.profile());
        merged.putAll(clean);
        String newName = name == null ? current.displayName() : name;
        jdbi.useHandle(h -> h.createUpdate("UPDATE contacts SET display_name = :n, profile = :p, last_seen_at = :now "
                        + "WHERE tenant_id = :t AND id = :id")
                .bind("n", newName).bind("p", write(merged)).bind("now", now).bind("t", tenantId)
                .bind("id", current.id()).execute());
        return new Contact(current.id(), tenantId, instanceId, externalId, newName, merged, current.createdAt(), now,
                current.lastInboundAt(), current.reachability());
    }

    /** The contact wrote: this opens a channel's customer-service window, and a contact who writes is reachable. */
    /**
     * A channel message arrived from this contact: its name and the plugin's {@code contact.*} attributes update the
     * profile, and its time opens the channel's reply window.
     */
    public void received(String tenantId, String instanceId, io.channelhub.plugin.channel.MessageReceived m,
                         Instant at) {
        Map<String, String> profile = new java.util.LinkedHashMap<>();
        m.attributes().forEach((k, v) -> {
            if (k.startsWith("contact.")) {
                profile.put(k.substring("contact.".length()), v);
            }
        });
        upsert(tenantId, instanceId, m.contactExternalId(), m.contactName(), profile);
        inbound(tenantId, instanceId, m.contactExternalId(), at);
    }

    public void inbound(String tenantId, String instanceId, String externalId, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE contacts SET last_inbound_at = :at, reachability = NULL WHERE "
                        + "tenant_id = :t AND channel_instance_id = :ci AND external_id = :x AND (last_inbound_at IS "
                        + "NULL OR last_inbound_at < :at)")
                .bind("at", at).bind("t", tenantId).bind("ci", instanceId).bind("x", externalId).execute());
    }

    /** What the channel reported about reaching the contact ({@code REACHABLE} clears the mark). */
    public void reachability(String tenantId, String instanceId, String externalId, String state) {
        upsert(tenantId, instanceId, externalId, null, Map.of());
        jdbi.useHandle(h -> h.createUpdate("UPDATE contacts SET reachability = :r WHERE tenant_id = :t AND "
                        + "channel_instance_id = :ci AND external_id = :x")
                .bind("r", "REACHABLE".equals(state) ? null : state).bind("t", tenantId).bind("ci", instanceId)
                .bind("x", externalId).execute());
    }

    public Optional<Contact> find(String tenantId, String instanceId, String externalId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM contacts WHERE tenant_id = :t AND "
                        + "channel_instance_id = :ci AND external_id = :x")
                .bind("t", tenantId).bind("ci", instanceId).bind("x", externalId).map(mapper).findOne());
    }

    /** The latest consent decision, or UNKNOWN. */
    public Contacts.ConsentStatus consent(String tenantId, String externalId, String purpose) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM consent_records WHERE tenant_id = :t AND "
                        + "contact_external_id = :x AND purpose = :p ORDER BY occurred_at DESC, id DESC LIMIT 1")
                .bind("t", tenantId).bind("x", externalId).bind("p", purpose).mapTo(String.class).findOne()
                .map(Contacts.ConsentStatus::valueOf).orElse(Contacts.ConsentStatus.UNKNOWN));
    }

    public void recordConsent(String tenantId, String instanceId, Contacts.ConsentRecord r) {
        if (r.status() == Contacts.ConsentStatus.UNKNOWN) {
            throw new IllegalArgumentException("a consent record is GRANTED or WITHDRAWN");
        }
        if (r.externalId() == null || r.purpose() == null || r.method() == null || r.at() == null) {
            throw new IllegalArgumentException("a consent record needs externalId, purpose, method and at");
        }
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO consent_records (tenant_id, channel_instance_id, "
                        + "contact_external_id, purpose, status, method, evidence, occurred_at, recorded_at) VALUES "
                        + "(:t, :ci, :x, :p, :s, :m, :e, :at, :now)")
                .bind("t", tenantId).bind("ci", instanceId).bind("x", r.externalId()).bind("p", r.purpose())
                .bind("s", r.status().name()).bind("m", r.method()).bind("e", r.evidence()).bind("at", r.at())
                .bind("now", clock.instant()).execute());
    }

    /** The plugin-facing view, bound to one tenant and (when not null) one channel instance. */
    public Contacts forInstance(String tenantId, String instanceId) {
        return new Contacts() {
            @Override
            public Optional<ContactView> find(String externalId) {
                if (instanceId == null) {
                    return Optional.empty();
                }
                return ContactDirectory.this.find(tenantId, instanceId, externalId)
                        .map(c -> new ContactView(c.id(), c.externalId(), c.displayName()));
            }

            @Override
            public ConsentStatus consent(String externalId, String purpose) {
                return ContactDirectory.this.consent(tenantId, externalId, purpose);
            }

            @Override
            public void recordConsent(ConsentRecord record) {
                ContactDirectory.this.recordConsent(tenantId, instanceId, record);
            }
        };
    }

    private Map<String, String> read(String s) {
        try {
            return s == null ? Map.of() : json.readValue(s, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt contact profile", e);
        }
    }

    private String write(Map<String, String> m) {
        try {
            return json.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
