package io.channelhub.hub.web.hooks;

import io.channelhub.hub.channels.ChannelConversations;
import io.channelhub.hub.conversations.Conversation;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.conversations.Message;
import io.channelhub.hub.web.SseReply;
import io.channelhub.hub.web.SseWriter;
import io.channelhub.hub.conversations.TurnPipeline;
import io.channelhub.hub.conversations.ReplySink;
import io.channelhub.hub.conversations.TurnService;
import io.channelhub.hub.web.api.ConversationsResource;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.agents.Agent;
import io.channelhub.hub.channels.ChannelInstance;
import io.channelhub.hub.channels.InboundEvents;
import io.channelhub.hub.contacts.ContactDirectory;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.web.ErrorResponse;
import io.channelhub.hub.web.RateLimitFilter;
import io.channelhub.hub.limits.RateLimits;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.channel.MessageReceived;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent turn of a streaming channel (the web widget), answered on the connection the message came in on. The
 * order carries the guarantees: rate limits and quotas refuse before anything is stored; the message is stored
 * once per external id before the model is called; a repeated external id gets the stored message and reply back
 * instead of a second turn.
 */
public class ChannelTurns {

    /** Longer than any turn takes: a message stored this long ago without a turn was left by a node that died. */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(2);
    static final int MAX_ATTACHMENTS = 5;

    private final ConversationRepository repo;
    private final ChannelConversations conversations;
    private final TurnPipeline pipeline;
    private final TurnService turns;
    private final InboundEvents events;
    private final ContactDirectory contacts;
    private final io.channelhub.hub.media.MediaLibrary media;
    private final RateLimits limits;
    private final ObjectMapper json;
    private final Clock clock;
    private final long heartbeatMillis;

    /**
     * A message as a channel's end user may see it: no tokens, models or tool internals; {@code author} is the name of
     * the person who wrote a reply while they held the conversation.
     */
    public record ChannelMessage(String id, String role, String content, String status,
                                 @JsonProperty("created_at") Instant createdAt,
                                 @com.fasterxml.jackson.annotation.JsonInclude(
                                         com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                                 List<io.channelhub.hub.web.Sources> sources,
                                 @com.fasterxml.jackson.annotation.JsonInclude(
                                         com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                                 String author) {
        static ChannelMessage of(Message m) {
            return m == null ? null : new ChannelMessage(m.id(), m.role(), m.content(), m.status(), m.createdAt(),
                    io.channelhub.hub.web.Sources.of(m.citations()), m.authorName());
        }
    }

    /**
     * Who answers a channel conversation, as its end user may see it: {@code waiting} for a person, or a person
     * ({@code human}, with the name they answer under).
     */
    public record ChannelHandoff(String state, String name) {
        static ChannelHandoff of(io.channelhub.hub.conversations.Handoff h) {
            return h == null ? null : new ChannelHandoff(h.state(), h.holderName());
        }
    }

    /**
     * The answer to a channel message: the stored message and the agent's reply (null while a person holds the
     * conversation: their reply comes later), and the conversation's handoff (null while the agent answers).
     */
    public record ChannelTurn(@JsonProperty("conversation_id") String conversationId, ChannelMessage message,
                              ChannelMessage reply, ChannelHandoff handoff) {
    }

    public ChannelTurns(ConversationRepository repo, ChannelConversations conversations, TurnPipeline pipeline,
                        InboundEvents events, ContactDirectory contacts, io.channelhub.hub.media.MediaLibrary media,
                        RateLimits limits, ObjectMapper json, Clock clock, long heartbeatMillis) {
        this.repo = repo;
        this.conversations = conversations;
        this.pipeline = pipeline;
        this.turns = pipeline.turns();
        this.events = events;
        this.contacts = contacts;
        this.media = media;
        this.limits = limits;
        this.json = json;
        this.clock = clock;
        this.heartbeatMillis = heartbeatMillis;
    }

    /** Runs the turn a plugin asked for and builds the whole answer, errors included, with the plugin's headers. */
    public Response answer(ChannelInstance ci, MessageReceived message, InboundResult.Turn turn,
                           Map<String, String> headers) {
        return answer(ci, message, turn, headers, null);
    }

    /**
     * The same, committing {@code usage} (what the plugin recorded while parsing the message) with the stored
     * message; the caller discards it when the turn is refused or repeats a stored message.
     */
    public Response answer(ChannelInstance ci, MessageReceived message, InboundResult.Turn turn,
                           Map<String, String> headers, io.channelhub.hub.plugins.PluginUsage.Pending usage) {
        Map<String, String> out = new LinkedHashMap<>(headers);
        try {
            return run(ci, message, turn, out, usage);
        } catch (ApiException | HubFailure failure) {
            ApiException e = failure instanceof HubFailure f ? ApiException.from(f) : (ApiException) failure;
            if (failure instanceof RateLimits.Refused r) {
                out.putAll(RateLimitFilter.headers(r.decision()));
            }
            out.putAll(e.headers());
            return with(Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                    .entity(ErrorResponse.of(e.code(), e.getMessage(), e.details())), out);
        }
    }

    private Response run(ChannelInstance ci, MessageReceived message, InboundResult.Turn turn,
                         Map<String, String> headers, io.channelhub.hub.plugins.PluginUsage.Pending usage) {
        String tenantId = ci.tenantId();
        if (message.text() == null || message.text().isBlank() || message.text().length() > 100_000) {
            throw ApiException.unprocessable("invalid_message", "a message needs 1 to 100000 characters of text",
                    Map.of("field", "text"));
        }
        Optional<InboundEvents.Stored> earlier = events.find(tenantId, ci.id(), message.externalId());
        InboundEvents.Stored stored;
        if (earlier.isPresent() && !abandoned(tenantId, earlier.get())) {
            return replay(ci, message, earlier.get(), turn, headers);
        }
        List<String> files = attachments(ci, message);
        Conversation existing = conversations.current(ci, message.contactExternalId()).orElse(null);
        Agent agent = existing == null ? conversations.agent(tenantId, turn.agent()) : null;
        // The contact's, the instance's and the tenant's turn limits (a retaken message was counted the first time),
        // then the hard quotas, reserved before the message is stored so racing turns at a limit cannot all pass.
        TurnPipeline.Admitted admitted = pipeline.begin(tenantId, TurnPipeline.Entry.CHANNEL_LIVE, earlier.isEmpty()
                ? limits.channelTurn(tenantId, ci.id(), message.contactExternalId()) : List.of());
        if (admitted.rateLimit() != null) {
            headers.putAll(RateLimitFilter.headers(admitted.rateLimit()));
        }
        boolean handedToStream = false;
        try {
            if (earlier.isPresent()) {
                stored = earlier.get();
                if (usage != null) {
                    events.storeUsage(usage);
                }
            } else {
                stored = events.storeForTurn(tenantId, ci.id(), ci.pluginId(), message, usage);
                if (stored.duplicate()) {
                    return replay(ci, message, stored, turn, headers);
                }
            }
            contacts.received(tenantId, ci.id(), message, clock.instant());
            Conversation conv = existing != null ? existing : conversations.open(ci, agent,
                    message.contactExternalId());
            // The message, the event's link to it and the event's end: one commit, so a retry after a crash finds
            // the message through the event, or stores it (no half state in between).
            Message user = admitted.storeUserMessage(conv, message.text(), message.externalId(), files,
                    message.kind() == null ? Message.TEXT
                            : message.kind().name().toLowerCase(java.util.Locale.ROOT), null,
                    events.processedWith(tenantId, stored.id()));
            if (turn.stream()) {
                handedToStream = true;
                return streamed(conv, user, headers, admitted);
            }
            return json(conv, user, headers, admitted);
        } finally {
            if (!handedToStream) {
                admitted.close();
            }
        }
    }

    /** The files a message names: each must be one this contact stored through this instance. */
    private List<String> attachments(ChannelInstance ci, MessageReceived message) {
        String ids = message.attributes().get("media_ids");
        if (ids == null || ids.isBlank()) {
            return List.of();
        }
        List<String> out = java.util.Arrays.stream(ids.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .distinct().toList();
        if (out.size() > MAX_ATTACHMENTS) {
            throw ApiException.unprocessable("invalid_message", "at most " + MAX_ATTACHMENTS + " files a message",
                    Map.of("field", "attachments"));
        }
        for (String id : out) {
            var m = media.find(ci.tenantId(), ci.id(), id);
            if (m.isEmpty() || !message.contactExternalId().equals(m.get().contactExternalId())) {
                throw ApiException.unprocessable("invalid_message", "an attachment is not a file you uploaded",
                        Map.of("field", "attachments"));
            }
        }
        return out;
    }

    private boolean abandoned(String tenantId, InboundEvents.Stored s) {
        return s.messageId() == null && s.receivedAt().isBefore(clock.instant().minus(ABANDONED_AFTER))
                && events.takeOver(tenantId, s);
    }

    /** A repeated external id: the stored message and its reply, never a second turn. */
    private Response replay(ChannelInstance ci, MessageReceived message, InboundEvents.Stored s,
                            InboundResult.Turn turn, Map<String, String> headers) {
        if (s.messageId() == null) {
            throw new ApiException(409, "message_in_progress",
                    "this message is being processed; retry shortly to get its reply").withHeader("Retry-After", "2");
        }
        Message user = repo.message(ci.tenantId(), s.messageId()).orElseThrow();
        Conversation conv = repo.find(ci.tenantId(), user.conversationId()).orElseThrow();
        if (!message.contactExternalId().equals(conv.endUserId())) {
            // Another visitor's id: answer as if it were new to them, but never show what it stored.
            throw ApiException.unprocessable("invalid_message", "this message id is already used",
                    Map.of("field", "client_message_id"));
        }
        ChannelTurn done = new ChannelTurn(conv.id(), ChannelMessage.of(user),
                ChannelMessage.of(repo.replyAfter(ci.tenantId(), conv.id(), user.seq()).orElse(null)),
                ChannelHandoff.of(conv.handoff()));
        headers.put("Idempotent-Replayed", "true");
        if (!turn.stream()) {
            return with(Response.ok(done, MediaType.APPLICATION_JSON), headers);
        }
        StreamingOutput output = o -> {
            try (SseWriter sse = new SseWriter(o, json, heartbeatMillis)) {
                sse.event("start", start(conv, user, done.reply() == null ? null : done.reply().id()));
                sse.event("done", done);
            }
        };
        return sseResponse(output, headers);
    }

    private Response json(Conversation conv, Message user, Map<String, String> headers,
                          TurnPipeline.Admitted admitted) {
        TurnService.Result r = admitted.answer(conv, user, ReplySink.result());
        return with(Response.ok(turn(conv, r), MediaType.APPLICATION_JSON), headers);
    }

    private static ChannelTurn turn(Conversation conv, TurnService.Result r) {
        return new ChannelTurn(conv.id(), ChannelMessage.of(r.user()), ChannelMessage.of(r.reply()),
                ChannelHandoff.of(r.handoff()));
    }

    /** The admission is closed when the stream ends, on the thread that writes it. */
    private Response streamed(Conversation conv, Message user, Map<String, String> headers,
                              TurnPipeline.Admitted admitted) {
        StreamingOutput output = o -> {
            try (admitted; SseWriter sse = new SseWriter(o, json, heartbeatMillis)) {
                admitted.bindToThisThread();
                // End users see the answer, not the agent's tool use; a visitor who reloads mid-reply finds the
                // whole reply in the history, so the turn runs to its end even when the connection is gone.
                SseReply reply = new SseReply(sse, (u, replyId) -> start(conv, u, replyId), r -> turn(conv, r),
                        false, false);
                try {
                    admitted.answer(conv, user, reply);
                } catch (HubFailure e) {
                    reply.failed(e);
                }
            }
        };
        return sseResponse(output, headers);
    }

    private static Map<String, Object> start(Conversation conv, Message user, String replyId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("conversation_id", conv.id());
        data.put("message", ChannelMessage.of(user));
        data.put("reply_id", replyId);
        return data;
    }

    private static Response sseResponse(StreamingOutput output, Map<String, String> headers) {
        return with(Response.ok(output, ConversationsResource.EVENT_STREAM).header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no"), headers);
    }

    private static Response with(Response.ResponseBuilder b, Map<String, String> headers) {
        headers.forEach(b::header);
        return b.build();
    }
}
