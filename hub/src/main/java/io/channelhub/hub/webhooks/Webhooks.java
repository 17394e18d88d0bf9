package io.channelhub.hub.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.delivery.Deliverer;
import io.channelhub.hub.delivery.DeliveryConfig;
import io.channelhub.hub.delivery.Outbox;
import io.channelhub.hub.delivery.OutboxItem;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.security.SealedValues;
import io.channelhub.hub.security.SecretBox;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Outbound webhooks for integrators: subscriptions per tenant, events written to the durable outbox and sent at
 * once, each signed as {@code ChannelHub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}
 * (a second {@code v1} with the previous secret during a rotation). Receivers should refuse a timestamp more than
 * five minutes away from their clock.
 */
public class Webhooks implements Deliverer {

    public static final String KIND = "webhook";
    public static final Set<String> EVENT_TYPES = Set.of("conversation.created", "conversation.handoff_requested",
            "conversation.handoff_taken", "conversation.handoff_released", "lead.qualified", "message.received", "message.sent",
            "message.status", "delivery.failed", "quota.threshold", "consent.changed", "invoice.updated",
            "subscription.updated", "tenant.suspended", "tenant.reactivated", "*");

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final SecretBox secrets;
    private final Outbox outbox;
    private final DeliveryConfig config;
    private final Clock clock;
    private final HttpClient http;
    private final io.channelhub.hub.delivery.WorkSignal signal;
    private final RowMapper<WebhookSubscription> mapper;

    public Webhooks(Jdbi jdbi, ObjectMapper json, SecretBox secrets, Outbox outbox, DeliveryConfig config,
                    Clock clock, io.channelhub.hub.delivery.WorkSignal signal, io.channelhub.hub.persistence.TenantCaches caches) {
        this.subscribers = caches.create("webhooks", (java.util.function.Function<String, String>) t -> t);
        this.signal = signal;
        this.jdbi = jdbi;
        this.json = json;
        this.secrets = secrets;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.getTimeout().toMilliseconds()))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.mapper = (rs, ctx) -> {
            var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            return new WebhookSubscription(rs.getString("id"), rs.getString("tenant_id"), rs.getString("url"),
                    read(rs.getString("events"), new TypeReference<List<String>>() { }),
                    read(rs.getString("secret"), new TypeReference<Map<String, Object>>() { }),
                    rs.getString("previous_secret") == null ? null
                            : read(rs.getString("previous_secret"), new TypeReference<Map<String, Object>>() { }),
                    instants.map(rs, "previous_secret_until", ctx), rs.getBoolean("enabled"),
                    rs.getString("owner_principal_id"), instants.map(rs, "created_at", ctx),
                    instants.map(rs, "updated_at", ctx), rs.getString("format"));
        };
    }

    private <T> T read(String s, TypeReference<T> type) {
        try {
            return json.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String context(String tenantId, String id) {
        return "webhook:" + tenantId + ":" + id;
    }

    // Subscriptions ----------------------------------------------------------------------------------------------

    /** A subscription and its secret in clear, which the API shows once. */
    public record Created(WebhookSubscription subscription, String secret) {
    }

    public Created create(String tenantId, String url, List<String> events, String principalId) {
        return create(tenantId, url, events, WebhookSubscription.JSON, principalId);
    }

    /** The same, in {@code format}: {@code json} (the signed envelope) or {@code chat} (a line of text). */
    public Created create(String tenantId, String url, List<String> events, String format, String principalId) {
        checkUrl(url);
        List<String> ev = checkEvents(events);
        String f = checkFormat(format);
        String id = Ids.newId("whk");
        String secret = "whsec_" + Ids.randomBase62(32);
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO webhook_subscriptions (id, tenant_id, url, events, secret, "
                        + "enabled, owner_principal_id, created_at, updated_at, format) VALUES (:id, :t, :u, :e, :s, "
                        + "TRUE, :o, :now, :now, :f)")
                .bind("id", id).bind("t", tenantId).bind("u", url).bind("e", write(ev)).bind("f", f)
                .bind("s", write(SealedValues.seal(secrets, secret, context(tenantId, id)))).bind("o", principalId)
                .bind("now", now).execute());
        changed(tenantId);
        return new Created(get(tenantId, id), secret);
    }

    public WebhookSubscription update(WebhookSubscription w, String url, List<String> events, Boolean enabled) {
        if (url != null) {
            checkUrl(url);
        }
        List<String> ev = events == null ? w.events() : checkEvents(events);
        jdbi.useHandle(h -> h.createUpdate("UPDATE webhook_subscriptions SET url = :u, events = :e, enabled = :en, "
                        + "updated_at = :now WHERE tenant_id = :t AND id = :id")
                .bind("u", url == null ? w.url() : url).bind("e", write(ev))
                .bind("en", enabled == null ? w.enabled() : enabled).bind("now", clock.instant())
                .bind("t", w.tenantId()).bind("id", w.id()).execute());
        changed(w.tenantId());
        return get(w.tenantId(), w.id());
    }

    /** A new secret; the old one still signs (as a second v1) until {@code grace} has passed. */
    public Created rotate(WebhookSubscription w, Duration grace) {
        String secret = "whsec_" + Ids.randomBase62(32);
        Instant until = clock.instant().plus(grace);
        jdbi.useHandle(h -> h.createUpdate("UPDATE webhook_subscriptions SET previous_secret = secret, "
                        + "previous_secret_until = :until, secret = :s, updated_at = :now WHERE tenant_id = :t AND "
                        + "id = :id")
                .bind("until", until).bind("s", write(SealedValues.seal(secrets, secret, context(w.tenantId(),
                        w.id())))).bind("now", clock.instant()).bind("t", w.tenantId()).bind("id", w.id()).execute());
        changed(w.tenantId());
        return new Created(get(w.tenantId(), w.id()), secret);
    }

    public WebhookSubscription get(String tenantId, String id) {
        return find(tenantId, id).orElseThrow(() -> Failure.notFound("webhook"));
    }

    public Optional<WebhookSubscription> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhook_subscriptions WHERE tenant_id = :t AND "
                + "id = :id").bind("t", tenantId).bind("id", id).map(mapper).findOne());
    }

    public List<WebhookSubscription> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhook_subscriptions WHERE tenant_id = :t ORDER BY "
                + "created_at, id").bind("t", tenantId).map(mapper).list());
    }

    public void delete(WebhookSubscription w) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM webhook_subscriptions WHERE tenant_id = :t AND id = :id")
                .bind("t", w.tenantId()).bind("id", w.id()).execute());
        changed(w.tenantId());
    }

    private void checkUrl(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw invalidUrl();
        }
        if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
                || url.length() > 2000) {
            throw invalidUrl();
        }
        if (!config.isAllowPrivateTargets() && isPrivateLiteral(u.getHost())) {
            throw Failure.invalid("invalid_url", "webhooks may not target private or loopback addresses",
                    Map.of("field", "url"));
        }
    }

    private static Failure invalidUrl() {
        return Failure.invalid("invalid_url", "url must be an absolute http(s) URL",
                Map.of("field", "url"));
    }

    private static boolean isPrivateLiteral(String host) {
        return "localhost".equalsIgnoreCase(host) || host.matches("[0-9.]+|\\[.*]") && isPrivate(host);
    }

    private static boolean isPrivate(String host) {
        try {
            InetAddress a = InetAddress.getByName(host.replace("[", "").replace("]", ""));
            return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                    || a.isMulticastAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String checkFormat(String format) {
        if (format == null) {
            return WebhookSubscription.JSON;
        }
        if (!WebhookSubscription.JSON.equals(format) && !WebhookSubscription.CHAT.equals(format)) {
            throw Failure.invalid("invalid_format", "format is json (the signed event) or chat (a line of text for a "
                    + "chat tool's incoming webhook)", Map.of("field", "format"));
        }
        return format;
    }

    private static List<String> checkEvents(List<String> events) {
        if (events == null || events.isEmpty()) {
            return List.of("*");
        }
        for (String e : events) {
            if (e == null || !EVENT_TYPES.contains(e)) {
                throw Failure.invalid("invalid_event", "unknown event type " + e + "; known: "
                        + EVENT_TYPES.stream().sorted().toList(), Map.of("field", "events"));
            }
        }
        return List.copyOf(events);
    }

    // Events -----------------------------------------------------------------------------------------------------

    /** Writes the event for every subscription that wants it, then sends at once. */
    /** Every turn emits events: the tenant's subscriptions are cached, evicted on each change (on every replica). */
    private final io.channelhub.hub.persistence.TenantCache<String, List<WebhookSubscription>> subscribers;

    private List<WebhookSubscription> subscribers(String tenantId) {
        return subscribers.get(tenantId, this::list);
    }

    private void changed(String tenantId) {
        subscribers.changed(tenantId);
    }

    public void emit(String tenantId, String type, Map<String, Object> data) {
        List<WebhookSubscription> targets = subscribers(tenantId).stream().filter(w -> w.wants(type)).toList();
        if (targets.isEmpty()) {
            return;
        }
        String eventId = Ids.newId("evt");
        Instant now = clock.instant();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", eventId);
        envelope.put("type", type);
        envelope.put("created_at", now.toString());
        envelope.put("tenant_id", tenantId);
        envelope.put("data", data);
        String payload = write(envelope);
        List<Long> ids = new ArrayList<>();
        jdbi.useTransaction(h -> {
            for (WebhookSubscription w : targets) {
                ids.add(outbox.insert(h, tenantId, KIND, w.id(), eventId, type, payload, now));
            }
        });
        ids.forEach(signal::wake);
    }

    // Delivery ---------------------------------------------------------------------------------------------------

    static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Outcome deliver(OutboxItem item) {
        Optional<WebhookSubscription> found = find(item.tenantId(), item.targetId());
        if (found.isEmpty() || !found.get().enabled()) {
            return new Outcome.Permanent(null, "subscription deleted or disabled");
        }
        WebhookSubscription w = found.get();
        URI uri = URI.create(w.url());
        if (!config.isAllowPrivateTargets() && resolvesPrivate(uri.getHost())) {
            return new Outcome.Permanent(null, "target resolves to a private address");
        }
        // A chat tool's incoming webhook takes {"text": ...}: the event told in one line, still signed, so a relay
        // in between can check it.
        String body = WebhookSubscription.CHAT.equals(w.format()) ? ChatText.of(json, item.payload())
                : item.payload();
        long t = clock.instant().getEpochSecond();
        StringBuilder sig = new StringBuilder("t=").append(t).append(",v1=")
                .append(sign(open(w.secret(), w), t, body));
        if (w.previousSecret() != null && w.previousSecretUntil() != null
                && clock.instant().isBefore(w.previousSecretUntil())) {
            sig.append(",v1=").append(sign(open(w.previousSecret(), w), t, body));
        }
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(config.getTimeout().toMilliseconds()))
                .header("Content-Type", "application/json")
                .header("User-Agent", "ChannelHub-Webhooks/1")
                .header("ChannelHub-Event-Id", item.eventId())
                .header("ChannelHub-Event-Type", item.eventType())
                .header("ChannelHub-Delivery", item.deliveryId())
                .header("ChannelHub-Signature", sig.toString())
                .headers(traceHeaders())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
            int code = r.statusCode();
            if (code >= 200 && code < 300) {
                return new Outcome.Delivered(code);
            }
            Duration after = r.headers().firstValue("Retry-After").flatMap(v -> {
                try {
                    return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }).orElse(null);
            // 410 Gone: the receiver says the endpoint is no more; every other status may pass later.
            return code == 410 ? new Outcome.Permanent(code, "HTTP 410") : new Outcome.Retry(code, "HTTP " + code, after);
        } catch (java.io.IOException e) {
            return new Outcome.Retry(null, e.getClass().getSimpleName(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Retry(null, "interrupted", null);
        }
    }

    /** The delivery span's W3C trace context, so the receiver can join the trace of the event's request. */
    private static String[] traceHeaders() {
        var h = io.channelhub.hub.observability.Tracing.headers(io.opentelemetry.context.Context.current());
        return h.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                .toArray(String[]::new);
    }

    @Override
    public void dead(OutboxItem item) {
        if (!"delivery.failed".equals(item.eventType())) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("webhook_id", item.targetId());
            data.put("delivery_id", item.deliveryId());
            data.put("event_id", item.eventId());
            data.put("event_type", item.eventType());
            emit(item.tenantId(), "delivery.failed", data);
        }
    }

    private String open(Map<String, Object> sealed, WebhookSubscription w) {
        return secrets.open(SealedValues.sealedValue(sealed), context(w.tenantId(), w.id()));
    }

    private static boolean resolvesPrivate(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress()
                        || a.isAnyLocalAddress()) {
                    return true;
                }
            }
            return false;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
