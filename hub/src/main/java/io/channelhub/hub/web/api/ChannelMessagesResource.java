package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.channels.ChannelContexts;
import io.channelhub.hub.channels.ChannelInstance;
import io.channelhub.hub.channels.ChannelInstanceService;
import io.channelhub.hub.channels.ChannelOutbox;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.contacts.ContactDirectory;
import io.channelhub.hub.channels.ChannelConversations;
import io.channelhub.hub.conversations.Conversation;
import io.channelhub.hub.conversations.Message;
import io.channelhub.hub.conversations.TurnService;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.limits.QuotaReservation;
import io.channelhub.hub.limits.Quotas;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.web.TenantScope;
import io.channelhub.plugin.channel.ChannelCapability;
import io.channelhub.plugin.channel.MessageTemplate;
import io.channelhub.plugin.channel.OutboundMessage;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages an integrator sends on a channel instance (a notification, a template), under the same rules as the
 * agent's replies: the channel's customer-service window, consent, the contact's reachability, the channel's
 * own check, quotas; queued in the outbox and answered {@code 202}. Mounted at
 * {@code channel-instances/{instanceId}/messages}.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ChannelMessagesResource {

    private final ChannelInstanceService instances;
    private final ChannelContexts contexts;
    private final ChannelOutbox sends;
    private final ChannelConversations conversations;
    private final ContactDirectory contacts;
    private final TurnService turns;
    private final Quotas quotas;
    private final PluginPlatform plugins;
    private final AccessControl access;
    private final AuditLog audit;
    private final ObjectMapper json;

    public ChannelMessagesResource(ChannelInstanceService instances, ChannelContexts contexts, ChannelOutbox sends,
                                   ChannelConversations conversations, ContactDirectory contacts,
                                   TurnService turns, Quotas quotas, PluginPlatform plugins, AccessControl access,
                                   AuditLog audit, ObjectMapper json) {
        this.instances = instances;
        this.contexts = contexts;
        this.sends = sends;
        this.conversations = conversations;
        this.contacts = contacts;
        this.turns = turns;
        this.quotas = quotas;
        this.plugins = plugins;
        this.access = access;
        this.audit = audit;
        this.json = json;
    }

    /**
     * A message to send: exactly one of text, a template with its parameters, media, an interactive message or a
     * reaction (the channel's shapes, see its docs).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SendMessage(@NotBlank @Size(max = 191) String to, @Size(min = 1, max = 65536) String text,
                              @Valid TemplateRef template, @Valid MediaRef media, JsonNode interactive,
                              @Valid ReactionRef reaction) {
        public SendMessage {
            // Jackson reads an explicit JSON null into a JsonNode field as NullNode: it means absent here.
            interactive = interactive == null || interactive.isNull() ? null : interactive;
        }
    }

    /** A file by the channel's media id or a public link, with an optional caption and file name. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record MediaRef(@NotBlank @Size(max = 16) String type, @Size(max = 191) String mediaId,
                           @Size(max = 2048) String link, @Size(max = 1024) String caption,
                           @Size(max = 255) String filename) {
    }

    /** An emoji on one of the contact's messages (the channel's id of it). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ReactionRef(@NotBlank @Size(max = 191) String messageId, @NotNull @Size(max = 16) String emoji) {
    }

    /** A template by name and language, and the values of its placeholders. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TemplateRef(@NotBlank @Size(max = 512) String name, @NotBlank @Size(max = 16) String language,
                              JsonNode parameters) {
        public TemplateRef {
            parameters = parameters == null || parameters.isNull() ? null : parameters;
        }
    }

    /** What was queued. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Queued(String messageId, String conversationId, String status, int parts) {
    }

    @POST
    public Response send(@Auth Caller c, @Context TenantScope scope, @PathParam("instanceId") String id,
                         @NotNull @Valid SendMessage body) {
        String tenantId = scope.tenantId();
        ChannelInstance ci = instances.get(tenantId, id);
        access.require(c, tenantId, ChannelInstancesResource.ref(ci), ResourcePermission.UPDATE);
        long given = java.util.stream.Stream.of(body.text(), body.template(), body.media(), body.interactive(),
                body.reaction()).filter(java.util.Objects::nonNull).count();
        if (given != 1) {
            throw ApiException.unprocessable("invalid_field", "send exactly one of text, template, media, interactive "
                    + "or reaction", Map.of("field", "text"));
        }
        if (body.interactive() != null && !body.interactive().isObject()) {
            throw ApiException.unprocessable("invalid_field", "interactive is an object",
                    Map.of("field", "interactive"));
        }
        if (body.template() != null && body.template().parameters() != null
                && !body.template().parameters().isContainerNode()) {
            throw ApiException.unprocessable("invalid_field", "template.parameters is an object or an array",
                    Map.of("field", "template.parameters"));
        }
        if (!ci.enabled()) {
            throw ApiException.conflict("instance_disabled", "this channel instance is disabled");
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        OutboundMessage.Kind kind;
        String text = body.text();
        String content = body.text();
        String messageKind = Message.TEXT;
        if (body.template() != null) {
            messageKind = "template";
            kind = OutboundMessage.Kind.TEMPLATE;
            attrs.put("template_name", body.template().name());
            attrs.put("template_language", body.template().language());
            attrs.put("template_parameters", body.template().parameters() == null ? "{}"
                    : write(body.template().parameters()));
            content = "[template " + body.template().name() + " (" + body.template().language() + ")]";
        } else if (body.media() != null) {
            kind = OutboundMessage.Kind.MEDIA;
            messageKind = body.media().type().toLowerCase(java.util.Locale.ROOT);
            putIfSet(attrs, "media_type", body.media().type());
            putIfSet(attrs, "media_id", body.media().mediaId());
            putIfSet(attrs, "link", body.media().link());
            putIfSet(attrs, "filename", body.media().filename());
            text = body.media().caption();
            content = "[" + body.media().type() + "]" + (text == null ? "" : " " + text);
        } else if (body.interactive() != null) {
            kind = OutboundMessage.Kind.INTERACTIVE;
            messageKind = "interactive";
            attrs.put("interactive", write(body.interactive()));
            text = body.interactive().path("body").path("text").asText(null);
            content = text == null ? "[interactive]" : text;
        } else if (body.reaction() != null) {
            kind = OutboundMessage.Kind.REACTION;
            messageKind = "reaction";
            attrs.put("message_id", body.reaction().messageId());
            attrs.put("emoji", body.reaction().emoji());
            content = "[reaction " + body.reaction().emoji() + "]";
        } else {
            kind = OutboundMessage.Kind.TEXT;
        }
        var ctx = contexts.forInstance(ci);
        String category = sends.check(ci, ctx, new OutboundMessage("check", null, body.to(), kind, text, attrs));
        if (category != null) {
            attrs.put("template_category", category);
        }
        try (QuotaReservation reserved = quotas.requireAvailable(tenantId, List.of("messages.out"), List.of())) {
            contacts.upsert(tenantId, ci.id(), body.to(), null, Map.of());
            Conversation conv = conversations.currentOrOpen(ci, body.to(), ctx.settings().get("agent").orElse(null));
            Message m = turns.storeAssistantMessage(conv, content, messageKind);
            List<String> parts = sends.enqueue(ci, conv.id(), m.id(), body.to(), kind, text, attrs);
            audit.success(c, tenantId, "channel_message.send", "channel_instance", ci.id(),
                    Map.of("kind", kind.name(), "message_id", m.id()));
            return Response.status(202).entity(new Queued(m.id(), conv.id(), "queued", parts.size())).build();
        }
    }

    private static void putIfSet(Map<String, String> attrs, String name, String value) {
        if (value != null && !value.isBlank()) {
            attrs.put(name, value);
        }
    }

    private String write(JsonNode n) {
        try {
            return json.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
