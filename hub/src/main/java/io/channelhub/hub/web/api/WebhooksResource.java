package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.webhooks.WebhookSubscription;
import io.channelhub.hub.webhooks.Webhooks;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.GrantRepository;
import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.delivery.Dispatcher;
import io.channelhub.hub.delivery.Outbox;
import io.channelhub.hub.delivery.OutboxItem;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.web.TenantScope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Webhook subscriptions, their delivery log and replay, under the resource ACL. */
@Path("/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WebhooksResource {

    private final Webhooks webhooks;
    private final Outbox outbox;
    private final Dispatcher dispatcher;
    private final GrantRepository grants;
    private final AccessControl access;
    private final AuditLog audit;
    private final Clock clock;

    public WebhooksResource(Webhooks webhooks, Outbox outbox, Dispatcher dispatcher, GrantRepository grants,
                            AccessControl access, AuditLog audit, Clock clock) {
        this.webhooks = webhooks;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.grants = grants;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WebhookView(String id, String url, List<String> events, boolean enabled, String ownerPrincipalId,
                              Instant previousSecretUntil, Instant createdAt, Instant updatedAt, String secret,
                              String format) {
        static WebhookView of(WebhookSubscription w, String secret) {
            return new WebhookView(w.id(), w.url(), w.events(), w.enabled(), w.ownerPrincipalId(),
                    w.previousSecretUntil(), w.createdAt(), w.updatedAt(), secret, w.format());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateWebhook(@NotBlank String url, List<String> events, String format) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateWebhook(String url, List<String> events, Boolean enabled) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Rotate(Long graceSeconds) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeliveryView(String id, String eventId, String eventType, String status, int attempts,
                               Integer lastStatusCode, String lastError, Instant nextAttemptAt, Instant createdAt,
                               Instant deliveredAt) {
        static DeliveryView of(OutboxItem i) {
            return new DeliveryView(i.deliveryId(), i.eventId(), i.eventType(), i.status(), i.attempts(),
                    i.lastStatusCode(), i.lastError(), io.channelhub.hub.delivery.Outbox.Status.PENDING.wire().equals(i.status()) ? i.nextAttemptAt() : null,
                    i.createdAt(), i.deliveredAt());
        }
    }

    static ResourceDirectory.ResourceRef ref(WebhookSubscription w) {
        return new ResourceDirectory.ResourceRef(ResourceType.WEBHOOK, w.id(), w.ownerPrincipalId());
    }

    private WebhookSubscription load(Caller c, String tenantId, String id, ResourcePermission need) {
        WebhookSubscription w = webhooks.get(tenantId, id);
        access.require(c, tenantId, ref(w), need);
        return w;
    }

    @GET
    public Page<WebhookView> list(@Auth Caller c, @Context TenantScope scope) {
        String tenantId = scope.tenantId();
        return Page.all(access.readable(c, tenantId, webhooks.list(tenantId), WebhooksResource::ref,
                w -> WebhookView.of(w, null)));
    }

    @POST
    public Response create(@Auth Caller c, @Context TenantScope scope, @NotNull @Valid CreateWebhook body) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.RESOURCES_CREATE);
        Webhooks.Created created = webhooks.create(tenantId, body.url(), body.events(), body.format(),
                c.principalId());
        audit.success(c, tenantId, "webhook.create", ResourceType.WEBHOOK.wire(), created.subscription().id(),
                Map.of("url", body.url(), "events", created.subscription().events()));
        return Response.status(201).entity(WebhookView.of(created.subscription(), created.secret())).build();
    }

    @GET
    @Path("/{webhookId}")
    public WebhookView get(@Auth Caller c, @Context TenantScope scope, @PathParam("webhookId") String id) {
        return WebhookView.of(load(c, scope.tenantId(), id, ResourcePermission.READ), null);
    }

    @PATCH
    @Path("/{webhookId}")
    public WebhookView update(@Auth Caller c, @Context TenantScope scope, @PathParam("webhookId") String id,
                              @NotNull UpdateWebhook body) {
        String tenantId = scope.tenantId();
        WebhookSubscription w = load(c, tenantId, id, ResourcePermission.UPDATE);
        WebhookSubscription next = webhooks.update(w, body.url(), body.events(), body.enabled());
        audit.success(c, tenantId, "webhook.update", ResourceType.WEBHOOK.wire(), id,
                Map.of("url", next.url(), "events", next.events(), "enabled", next.enabled()));
        return WebhookView.of(next, null);
    }

    @DELETE
    @Path("/{webhookId}")
    public Response delete(@Auth Caller c, @Context TenantScope scope, @PathParam("webhookId") String id) {
        String tenantId = scope.tenantId();
        WebhookSubscription w = load(c, tenantId, id, ResourcePermission.DELETE);
        webhooks.delete(w);
        grants.deleteForResource(tenantId, ResourceType.WEBHOOK, id);
        audit.success(c, tenantId, "webhook.delete", ResourceType.WEBHOOK.wire(), id, Map.of("url", w.url()));
        return Response.noContent().build();
    }

    @POST
    @Path("/{webhookId}/rotate-secret")
    public WebhookView rotate(@Auth Caller c, @Context TenantScope scope, @PathParam("webhookId") String id,
                              Rotate body) {
        String tenantId = scope.tenantId();
        WebhookSubscription w = load(c, tenantId, id, ResourcePermission.UPDATE);
        long grace = body == null || body.graceSeconds() == null ? 86_400 : body.graceSeconds();
        if (grace < 0 || grace > 30L * 86_400) {
            throw ApiException.unprocessable("invalid_grace", "grace_seconds must be between 0 and 2592000",
                    Map.of("field", "grace_seconds"));
        }
        Webhooks.Created rotated = webhooks.rotate(w, Duration.ofSeconds(grace));
        audit.success(c, tenantId, "webhook.rotate_secret", ResourceType.WEBHOOK.wire(), id,
                Map.of("grace_seconds", grace));
        return WebhookView.of(rotated.subscription(), rotated.secret());
    }

    @GET
    @Path("/{webhookId}/deliveries")
    public Page<DeliveryView> deliveries(@Auth Caller c, @Context TenantScope scope,
                                         @PathParam("webhookId") String id, @QueryParam("before") String before,
                                         @QueryParam("limit") Integer limit) {
        String tenantId = scope.tenantId();
        WebhookSubscription w = load(c, tenantId, id, ResourcePermission.READ);
        int n = Page.limit(limit);
        Long beforeId = before == null ? null : delivery(tenantId, w, before).id();
        List<OutboxItem> rows = outbox.forTarget(tenantId, w.id(), beforeId, n + 1);
        return Page.of(rows.stream().map(DeliveryView::of).toList(), n, DeliveryView::id);
    }

    @POST
    @Path("/{webhookId}/deliveries/{deliveryId}/replay")
    public Response replay(@Auth Caller c, @Context TenantScope scope, @PathParam("webhookId") String id,
                           @PathParam("deliveryId") String deliveryId) {
        String tenantId = scope.tenantId();
        WebhookSubscription w = load(c, tenantId, id, ResourcePermission.UPDATE);
        OutboxItem item = delivery(tenantId, w, deliveryId);
        long newId = outbox.replay(item, clock.instant());
        dispatcher.kick(newId);
        OutboxItem replayed = outbox.find(tenantId, newId).orElseThrow();
        audit.success(c, tenantId, "webhook.replay", ResourceType.WEBHOOK.wire(), id,
                Map.of("delivery_id", item.deliveryId(), "new_delivery_id", replayed.deliveryId()));
        return Response.status(202).entity(DeliveryView.of(replayed)).build();
    }

    /**
     * A delivery of this subscription by its id. A number is an id from before ids were random (a logged
     * {@code ChannelHub-Delivery: 42}); the migration kept those rows as {@code whd_42}.
     */
    private OutboxItem delivery(String tenantId, WebhookSubscription w, String deliveryId) {
        String id = deliveryId.matches("[0-9]{1,19}") ? "whd_" + deliveryId : deliveryId;
        return outbox.find(tenantId, id).filter(i -> i.targetId().equals(w.id()))
                .orElseThrow(() -> ApiException.notFound("delivery"));
    }
}
