package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.conversations.Conversation;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.conversations.ConversationViews;
import io.channelhub.hub.conversations.Message;
import io.channelhub.hub.web.SseReply;
import io.channelhub.hub.web.SseWriter;
import io.channelhub.hub.conversations.TurnPipeline;
import io.channelhub.hub.conversations.ReplySink;
import io.channelhub.hub.conversations.TurnService;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.agents.Agent;
import io.channelhub.hub.agents.AgentService;
import io.channelhub.hub.web.Idempotency;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.web.ErrorResponse;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.web.TenantScope;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The integrator's conversation API: create a conversation, post a message and get the agent's reply as JSON or as
 * Server-Sent Events ({@code start}, {@code delta}, {@code tool_call}, {@code done}, {@code error}; heartbeats
 * as comments), page through history. POSTs honour {@code Idempotency-Key}.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ConversationsResource extends ConversationReads {

    public static final String EVENT_STREAM = "text/event-stream";

    private final AgentService agents;
    private final TurnPipeline pipeline;
    private final TurnService turns;
    private final Idempotency idempotency;
    private final ObjectMapper json;
    private final Clock clock;
    private final long heartbeatMillis;
    private final io.channelhub.hub.webhooks.Webhooks webhooks;

    public ConversationsResource(ConversationRepository repo, AgentService agents, TurnPipeline pipeline,
                                 Idempotency idempotency, AccessControl access, ObjectMapper json,
                                 Clock clock, long heartbeatMillis, io.channelhub.hub.webhooks.Webhooks webhooks) {
        super(repo, access);
        this.webhooks = webhooks;
        this.agents = agents;
        this.pipeline = pipeline;
        this.turns = pipeline.turns();
        this.idempotency = idempotency;
        this.json = json;
        this.clock = clock;
        this.heartbeatMillis = heartbeatMillis;
    }

    static ResourceDirectory.ResourceRef ref(Conversation c) {
        return new ResourceDirectory.ResourceRef(ResourceType.CONVERSATION, c.id(), c.ownerPrincipalId());
    }

    /** Bodies are parsed here (not by Jersey) because the raw text is also the idempotency fingerprint. */
    private <T> T parse(String body, Class<T> type) throws JsonProcessingException {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("invalid_json", "request body is required");
        }
        return nonNull(json.readValue(body, type));
    }

    /** A JSON {@code null} where an object belongs is a wrong type, not an absent body. */
    private static <T> T nonNull(T value) {
        if (value == null) {
            throw ApiException.unprocessable("invalid_body", "the request body must be a JSON object", Map.of());
        }
        return value;
    }

    private String text(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @POST
    public Response create(@Auth Caller c, @Context TenantScope scope, @Context UriInfo uri,
                           @HeaderParam(Idempotency.HEADER) String idemKey, String body)
                           throws JsonProcessingException {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.RESOURCES_CREATE);
        ConversationViews.CreateConversation req = nonNull(json.readValue(body == null || body.isBlank() ? "{}"
                : body, ConversationViews.CreateConversation.class));
        return idempotent(tenantId, c, idemKey, "POST", uri.getPath(), body, claim -> {
            Agent agent = agentFor(c, tenantId, req.agentId(), req.agent());
            if (req.endUserId() != null && req.endUserId().length() > 191) {
                throw ApiException.unprocessable("invalid_field", "end_user_id is too long",
                        Map.of("field", "end_user_id"));
            }
            if (req.title() != null && req.title().length() > 200) {
                throw ApiException.unprocessable("invalid_field", "title is too long", Map.of("field", "title"));
            }
            var now = clock.instant();
            Conversation conv = new Conversation(Ids.newId("cnv"), tenantId, agent.id(), null, req.endUserId(),
                    req.title(), req.metadata() == null ? Map.of() : req.metadata(), "open", c.principalId(), now,
                    now, null);
            repo.insert(conv);
            webhooks.emit(tenantId, "conversation.created",
                    Map.of("conversation", ConversationViews.ConversationView.of(conv)));
            return Response.status(201).entity(ConversationViews.ConversationView.of(conv)).build();
        });
    }

    private Agent agentFor(Caller c, String tenantId, String agentId, String slug) {
        Agent agent;
        if (agentId != null) {
            agent = agents.get(tenantId, agentId);
        } else if (slug != null) {
            agent = agents.bySlug(tenantId, slug).orElseThrow(() -> ApiException.notFound("agent"));
        } else {
            agent = agents.defaultAgent(tenantId).orElseThrow(() -> ApiException.unprocessable("no_agent",
                    "name an agent (agent_id or agent) or create one; this tenant has no default agent",
                    Map.of("field", "agent_id")));
        }
        access.require(c, tenantId, new ResourceDirectory.ResourceRef(ResourceType.AGENT, agent.id(),
                agent.ownerPrincipalId()), ResourcePermission.READ);
        return agent;
    }

    @POST
    @Path("/{conversationId}/messages")
    @Produces({MediaType.APPLICATION_JSON, EVENT_STREAM})
    public Response post(@Auth Caller c, @Context TenantScope scope, @Context UriInfo uri,
                         @Context HttpHeaders headers,
                         @PathParam("conversationId") String id, @HeaderParam(Idempotency.HEADER) String idemKey,
                         String body) throws JsonProcessingException {
        String tenantId = scope.tenantId();
        Conversation conv = load(c, tenantId, id, ResourcePermission.UPDATE);
        ConversationViews.PostMessage req = parse(body, ConversationViews.PostMessage.class);
        String role = req.role() == null ? "user" : req.role();
        if (!"user".equals(role) && !"tool".equals(role)) {
            throw ApiException.unprocessable("invalid_field", "role must be user or tool", Map.of("field", "role"));
        }
        if (req.content() == null || req.content().isEmpty() || req.content().length() > 100_000) {
            throw ApiException.unprocessable("invalid_field", "content must be 1 to 100000 characters",
                    Map.of("field", "content"));
        }
        if (req.externalId() != null && req.externalId().length() > 191) {
            throw ApiException.unprocessable("invalid_field", "external_id is longer than 191 characters",
                    Map.of("field", "external_id"));
        }
        if (req.toolCallId() != null && req.toolCallId().length() > 100) {
            throw ApiException.unprocessable("invalid_field", "tool_call_id is longer than 100 characters",
                    Map.of("field", "tool_call_id"));
        }
        if ("tool".equals(role) && (req.toolCallId() == null || req.toolCallId().isBlank())) {
            throw ApiException.unprocessable("invalid_field", "a tool message needs tool_call_id",
                    Map.of("field", "tool_call_id"));
        }
        boolean stream = Boolean.TRUE.equals(req.stream()) || headers.getAcceptableMediaTypes().stream()
                .anyMatch(m -> EVENT_STREAM.equals(m.getType() + "/" + m.getSubtype()));
        if (stream && idemKey == null) {
            TurnPipeline.Admitted admitted;
            try {
                admitted = pipeline.begin(tenantId, TurnPipeline.Entry.API, List.of());
            } catch (io.channelhub.hub.limits.QuotaExceeded refused) {
                ApiException e = ApiException.from(refused);
                return Response.ok((StreamingOutput) out -> {
                    try (SseWriter sse = new SseWriter(out, json, heartbeatMillis)) {
                        sse.event("error", ErrorResponse.of(e.status(), e.code(), e.getMessage(), e.details()));
                    }
                }, EVENT_STREAM).build();
            }
            return streamTurn(conv, role, req, admitted);
        }
        // Admitted inside: a repeat of a request already answered is replayed even when the quota is now used up.
        return idempotent(tenantId, c, idemKey, "POST", uri.getPath(), body, claim -> {
            String requestKey = claim == null ? null : claim.requestKey();
            // A retry that took the key over from a node that stopped: what that node stored is answered, not stored
            // again, and a reply it stored is the answer.
            Message earlier = claim != null && claim.tookOver() && requestKey != null
                    ? repo.byRequestKey(tenantId, conv.id(), requestKey).orElse(null) : null;
            if (earlier != null) {
                Optional<Message> done = repo.replyAfter(tenantId, conv.id(), earlier.seq())
                        .filter(m -> m.is(Message.Status.COMPLETED) || m.is(Message.Status.REQUIRES_ACTION));
                if (done.isPresent()) {
                    Message reply = done.get();
                    return Response.status(201).entity(ConversationViews.TurnView.of(new TurnService.Result(earlier,
                            reply, reply.promptTokens() == null ? 0 : reply.promptTokens(),
                            reply.completionTokens() == null ? 0 : reply.completionTokens()))).build();
                }
            }
            try (var admitted = pipeline.begin(tenantId, TurnPipeline.Entry.API, List.of())) {
                Message user = earlier != null ? earlier : store(conv, role, req, requestKey, admitted);
                TurnService.Result r = admitted.answer(conv, user, ReplySink.result());
                return Response.status(201).entity(ConversationViews.TurnView.of(r)).build();
            }
        });
    }

    private Message store(Conversation conv, String role, ConversationViews.PostMessage req,
                          String requestKey, TurnPipeline.Admitted admitted) {
        if ("tool".equals(role)) {
            var now = clock.instant();
            Message draft = Message.draft(conv, "tool").content(req.content()).answering(req.toolCallId())
                    .status(Message.Status.RECEIVED).externalId(req.externalId()).at(now).build();
            return repo.insertMessageAndTouch(draft, now, h -> {
                if (requestKey != null) {
                    ConversationRepository.markRequest(h, draft, requestKey);
                }
            });
        }
        return admitted.storeUserMessage(conv, req.content(), req.externalId(), List.of(), Message.TEXT, requestKey);
    }

    /** The admission is closed when the stream ends, on the thread that writes it. */
    private Response streamTurn(Conversation conv, String role, ConversationViews.PostMessage req,
                                TurnPipeline.Admitted admitted) {
        Message user;
        try {
            user = store(conv, role, req, null, admitted);
        } catch (RuntimeException e) {
            admitted.close();
            throw e;
        }
        StreamingOutput output = out -> {
            try (admitted; SseWriter sse = new SseWriter(out, json, heartbeatMillis)) {
                admitted.bindToThisThread();
                SseReply reply = new SseReply(sse, (u, replyId) -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("conversation_id", conv.id());
                    data.put("message", ConversationViews.MessageView.of(u));
                    data.put("reply_id", replyId);
                    return data;
                }, ConversationViews.TurnView::of, true, true);
                try {
                    admitted.answer(conv, user, reply);
                } catch (TurnService.Cancelled e) {
                    // The client went away; the model call was stopped and nothing more can be sent.
                } catch (HubFailure e) {
                    reply.failed(e);
                }
            }
        };
        return Response.ok(output, EVENT_STREAM).header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no").build();
    }

    /** Work that produces a response. */
    @FunctionalInterface
    interface Work {
        /** {@code claim}: the request's hold on its Idempotency-Key, or null without one. */
        Response run(Idempotency.Claim claim);
    }

    private Response idempotent(String tenantId, Caller c, String key, String method, String path, String body,
                                Work work) {
        if (key == null) {
            return work.run(null);
        }
        var outcome = idempotency.begin(tenantId, c.principalId(), key, Idempotency.hash(method, path, body));
        if (outcome instanceof Idempotency.Stored replay) {
            return Response.status(replay.status()).type(MediaType.APPLICATION_JSON)
                    .entity(replay.body()).header("Idempotent-Replayed", "true").build();
        }
        Idempotency.Claim claim = (Idempotency.Claim) outcome;
        Response r;
        try {
            r = work.run(claim);
        } catch (ApiException | HubFailure failure) {
            ApiException e = failure instanceof HubFailure f ? ApiException.from(f) : (ApiException) failure;
            if (e.status() >= 500 || e.status() == 429) {
                claim.abandon();
            } else {
                claim.complete(e.status(), text(ErrorResponse.of(e.code(), e.getMessage(), e.details())));
            }
            throw failure;
        } catch (RuntimeException | Error e) {
            claim.abandon();
            throw e;
        }
        // The work is committed: failing to keep its answer must neither hide that answer nor free the key for a
        // second run at once (the key stays held until its lease ends).
        try {
            claim.complete(r.getStatus(), text(r.getEntity()));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ConversationsResource.class)
                    .warn("Could not store the answer of idempotent request {}", key, e);
        }
        return r;
    }
}
