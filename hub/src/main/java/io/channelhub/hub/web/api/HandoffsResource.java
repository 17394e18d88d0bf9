package io.channelhub.hub.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.channels.ChannelContexts;
import io.channelhub.hub.channels.ChannelInstance;
import io.channelhub.hub.channels.ChannelInstanceService;
import io.channelhub.hub.channels.ChannelOutbox;
import io.channelhub.hub.conversations.Conversation;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.conversations.ConversationViews;
import io.channelhub.hub.conversations.Handoff;
import io.channelhub.hub.conversations.Handoffs;
import io.channelhub.hub.conversations.Message;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.limits.QuotaReservation;
import io.channelhub.hub.limits.Quotas;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.web.TenantScope;
import io.channelhub.plugin.channel.OutboundMessage;
import io.dropwizard.auth.Auth;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Human takeover, for the tenant's people (console users, or an integrator's own inbox through an API key): the queue
 * of conversations waiting for a person ({@code GET /v1/handoffs}), and per conversation
 * ({@code /v1/conversations/{id}/handoff}) asking for a person, taking it, replying as oneself through the
 * conversation's channel, and handing it back to the agent. Everything is audited.
 *
 * <p>Who may take and answer a conversation: whoever may change it (its owner, a grant, a tenant admin), or whoever may
 * change the channel instance it came through (a support team granted the widget or the WhatsApp number), since
 * channel conversations have no owner of their own.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class HandoffsResource {

    private final ConversationRepository repo;
    private final Handoffs handoffs;
    private final ChannelInstanceService instances;
    private final ChannelContexts contexts;
    private final ChannelOutbox sends;
    /** The console name of a tenant's principal, when it is a console user. */
    private final java.util.function.BiFunction<String, String, java.util.Optional<String>> consoleNames;
    private final Quotas quotas;
    private final AccessControl access;
    private final AuditLog audit;
    private final ObjectMapper json;

    public HandoffsResource(ConversationRepository repo, Handoffs handoffs, ChannelInstanceService instances,
                            ChannelContexts contexts, ChannelOutbox sends,
                            java.util.function.BiFunction<String, String, java.util.Optional<String>> consoleNames,
                            Quotas quotas,
                            AccessControl access, AuditLog audit, ObjectMapper json) {
        this.repo = repo;
        this.handoffs = handoffs;
        this.instances = instances;
        this.contexts = contexts;
        this.sends = sends;
        this.consoleNames = consoleNames;
        this.quotas = quotas;
        this.access = access;
        this.audit = audit;
        this.json = json;
    }

    /** Asking for a person: why, shown in the queue. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RequestBody(@Size(max = 500) String reason) {
    }

    /** Taking a conversation: the name the end user sees on one's replies (default: one's console name). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TakeBody(@Size(min = 1, max = 120) String displayName) {
    }

    /** A person's reply: text, or (outside a channel's service window) a template. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ReplyBody(@Size(min = 1, max = 4096) String text,
                            @Valid ChannelMessagesResource.TemplateRef template) {
    }

    /** What was stored and queued for the channel. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Sent(ConversationViews.MessageView message, String status, int parts) {
    }

    /** The queue: waiting first-come first-served, then those held; {@code mine} only the caller's. */
    @GET
    public Page<ConversationViews.ConversationView> queue(@Auth Caller c, @Context TenantScope scope,
                                                          @QueryParam("state") String state,
                                                          @QueryParam("mine") Boolean mine,
                                                          @QueryParam("limit") Integer limit) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.RESOURCES_READ);
        if (state != null && !Handoff.WAITING.equals(state) && !Handoff.HUMAN.equals(state)) {
            throw ApiException.unprocessable("invalid_field", "state is waiting or human", Map.of("field", "state"));
        }
        int n = Page.limit(limit);
        List<Conversation> rows = handoffs.queue(tenantId, state, Boolean.TRUE.equals(mine) ? c.principalId() : null,
                n);
        var notes = repo.annotations(tenantId, rows.stream().map(Conversation::id).toList());
        return Page.all(access.readable(c, tenantId, rows, ConversationsResource::ref,
                cv -> ConversationViews.ConversationView.of(cv, notes.get(cv.id()))));
    }

    /** The handoff routes of one conversation, under {@code /v1/conversations/{conversationId}/handoff}. */
    @Produces(MediaType.APPLICATION_JSON)
    @Consumes(MediaType.APPLICATION_JSON)
    public final class OfConversation {

        /** Asks for a person (an integrator's own rule, a button on their site): the conversation joins the queue. */
        @POST
        public ConversationViews.ConversationView request(@Auth Caller c, @Context TenantScope scope,
                                                          @PathParam("conversationId") String id, String raw)
                throws JsonProcessingException {
            Conversation conv = answerable(c, scope.tenantId(), id);
            RequestBody body = io.channelhub.hub.web.StrictJson.readAuthorised(json, raw, RequestBody.class);
            if (body != null && body.reason() != null && body.reason().length() > 500) {
                throw ApiException.unprocessable("invalid_field", "reason is at most 500 characters",
                        Map.of("field", "reason"));
            }
            boolean queued = handoffs.request(conv, "api:" + c.principalId(), body == null ? null : body.reason());
            audit.success(c, scope.tenantId(), "conversation.handoff_request", "conversation", id,
                    Map.of("queued", queued));
            return view(scope.tenantId(), id);
        }

        /** Takes the conversation: the agent stops answering; the caller answers as {@code display_name}. */
        @POST
        @Path("/take")
        public ConversationViews.ConversationView take(@Auth Caller c, @Context TenantScope scope,
                                                       @PathParam("conversationId") String id, String raw)
                throws JsonProcessingException {
            String tenantId = scope.tenantId();
            answerable(c, tenantId, id);
            TakeBody body = io.channelhub.hub.web.StrictJson.readAuthorised(json, raw, TakeBody.class);
            String name = body != null && body.displayName() != null ? body.displayName().strip() : null;
            if (name != null && (name.isEmpty() || name.length() > 120)) {
                throw ApiException.unprocessable("invalid_field", "display_name is 1 to 120 characters",
                        Map.of("field", "display_name"));
            }
            takeOver(c, tenantId, id, name);
            return view(tenantId, id);
        }

        /** Hands it back to the agent (or dismisses a request nobody took). */
        @POST
        @Path("/release")
        public ConversationViews.ConversationView release(@Auth Caller c, @Context TenantScope scope,
                                                          @PathParam("conversationId") String id) {
            String tenantId = scope.tenantId();
            Conversation before = answerable(c, tenantId, id);
            handoffs.release(tenantId, id, c.principalId(), c.role().managesAllResources());
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("from", before.handoff() == null ? "agent" : before.handoff().state());
            audit.success(c, tenantId, "conversation.handoff_release", "conversation", id, summary);
            return view(tenantId, id);
        }

        /**
         * A reply from the person who holds the conversation: stored with their name, then queued on the
         * conversation's channel under the channel's rules (WhatsApp: free-form text within 24 hours of the contact's
         * last message, a template otherwise); the web widget shows it on the visitor's page.
         */
        @POST
        @Path("/messages")
        public Response reply(@Auth Caller c, @Context TenantScope scope, @PathParam("conversationId") String id,
                              String raw) throws JsonProcessingException {
            String tenantId = scope.tenantId();
            Conversation conv = answerable(c, tenantId, id);
            ReplyBody body = io.channelhub.hub.web.StrictJson.readAuthorised(json, raw, ReplyBody.class);
            if (body == null || (body.text() == null) == (body.template() == null)
                    || (body.text() != null && (body.text().isBlank() || body.text().length() > 4096))) {
                throw ApiException.unprocessable("invalid_field", "send text (1 to 4096 characters) or a template",
                        Map.of("field", "text"));
            }
            if (body.template() != null && (body.template().name() == null || body.template().name().isBlank()
                    || body.template().language() == null || body.template().language().isBlank()
                    || body.template().name().length() > 512 || body.template().language().length() > 16)) {
                throw ApiException.unprocessable("invalid_field", "a template needs its name and language",
                        Map.of("field", "template"));
            }
            if (conv.handoff() == null || !conv.handoff().held()) {
                // Answering a conversation nobody holds takes it: the person who writes is the one who answers.
                conv = takeOver(c, tenantId, id, null);
                if (conv.handoff() == null || !c.principalId().equals(conv.handoff().holderId())) {
                    throw ApiException.conflict("handoff_not_held", "the conversation was handed back meanwhile");
                }
            } else if (!c.principalId().equals(conv.handoff().holderId())) {
                throw ApiException.conflict("handoff_not_held", "another person holds this conversation; only they "
                        + "answer in it");
            }
            String author = conv.handoff().holderName();
            Map<String, String> attrs = new LinkedHashMap<>();
            attrs.put("author_name", author);
            OutboundMessage.Kind kind = OutboundMessage.Kind.TEXT;
            String content = body.text();
            String messageKind = Message.TEXT;
            if (body.template() != null) {
                kind = OutboundMessage.Kind.TEMPLATE;
                messageKind = "template";
                attrs.put("template_name", body.template().name());
                attrs.put("template_language", body.template().language());
                attrs.put("template_parameters", body.template().parameters() == null ? "{}"
                        : write(body.template().parameters()));
                content = "[template " + body.template().name() + " (" + body.template().language() + ")]";
            }
            ChannelInstance ci = conv.channelInstanceId() == null ? null
                    : instances.get(tenantId, conv.channelInstanceId());
            if (ci != null) {
                if (!ci.enabled()) {
                    throw ApiException.conflict("instance_disabled", "this conversation's channel instance is "
                            + "disabled");
                }
                String category = sends.check(ci, contexts.forInstance(ci), new OutboundMessage("check", null,
                        conv.endUserId(), kind, body.text(), attrs));
                if (category != null) {
                    attrs.put("template_category", category);
                }
            }
            try (QuotaReservation reserved = quotas.requireAvailable(tenantId, List.of("messages.out"), List.of())) {
                Message m = handoffs.storeReply(conv, content, messageKind, author);
                int parts = 0;
                if (ci != null) {
                    parts = sends.enqueue(ci, conv.id(), m.id(), conv.endUserId(), kind, body.text(), attrs).size();
                }
                audit.success(c, tenantId, "conversation.handoff_reply", "conversation", id,
                        Map.of("message_id", m.id(), "kind", messageKind));
                return Response.status(202).entity(new Sent(ConversationViews.MessageView.of(m),
                        ci == null ? "stored" : "queued", parts)).build();
            }
        }
    }

    private final OfConversation ofConversation = new OfConversation();

    /** The per-conversation routes (a locator's target: it must not look at the caller). */
    public OfConversation ofConversation() {
        return ofConversation;
    }

    private Conversation takeOver(Caller c, String tenantId, String id, String displayName) {
        String name = displayName != null ? displayName : displayName(c, tenantId);
        Conversation taken = handoffs.take(tenantId, id, c.principalId(), name);
        audit.success(c, tenantId, "conversation.handoff_take", "conversation", id, Map.of("display_name", name));
        return taken;
    }

    /** The conversation, if the caller may take and answer it. */
    private Conversation answerable(Caller c, String tenantId, String id) {
        Conversation conv = repo.find(tenantId, id).orElseThrow(() -> ApiException.notFound("conversation"));
        if (access.allows(c, tenantId, ConversationsResource.ref(conv), ResourcePermission.UPDATE)) {
            return conv;
        }
        if (conv.channelInstanceId() != null) {
            var ci = instances.find(tenantId, conv.channelInstanceId());
            if (ci.isPresent() && access.allows(c, tenantId, ChannelInstancesResource.ref(ci.get()),
                    ResourcePermission.UPDATE)) {
                return conv;
            }
        }
        // The same refusal, audited, as every other resource gives.
        access.require(c, tenantId, ConversationsResource.ref(conv), ResourcePermission.UPDATE);
        return conv;
    }

    /** The name a person answers with: their console name, else the key's name. */
    private String displayName(Caller c, String tenantId) {
        String name = consoleNames.apply(tenantId, c.principalId()).orElse(c.keyName());
        if (name == null || name.isBlank()) {
            name = "Support";
        }
        return name.length() > 120 ? name.substring(0, 120) : name;
    }

    private ConversationViews.ConversationView view(String tenantId, String id) {
        Conversation conv = repo.find(tenantId, id).orElseThrow(() -> ApiException.notFound("conversation"));
        return ConversationViews.ConversationView.of(conv, repo.annotations(tenantId, List.of(id)).get(id));
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
