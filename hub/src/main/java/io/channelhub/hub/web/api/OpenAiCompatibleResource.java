package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.completions.CompletionUsage;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.agents.Agent;
import io.channelhub.hub.agents.AgentService;
import io.channelhub.hub.agents.AgentSpec;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.web.ErrorResponse;
import io.channelhub.hub.conversations.TurnPipeline;
import io.channelhub.hub.llm.ModelGateway;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.web.TenantScope;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAI's Chat Completions API on top of the tenant's agents: {@code model} is an agent slug. An unmodified OpenAI
 * SDK pointed at {@code https://hub/v1} with a tenant API key works; the call goes through the same tenancy, ACL,
 * model gateway and metering as every other turn. It is stateless, as OpenAI's is: the caller sends the history.
 * Request and response bodies are read and written with the SDK's own mapper and model classes, so they keep
 * OpenAI's exact shapes.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class OpenAiCompatibleResource {

    private static final ObjectMapper SDK = ObjectMappers.jsonMapper();

    private final AgentService agents;
    private final TurnPipeline pipeline;
    private final AccessControl access;
    private final Clock clock;

    public OpenAiCompatibleResource(AgentService agents, TurnPipeline pipeline, AccessControl access, Clock clock) {
        this.agents = agents;
        this.pipeline = pipeline;
        this.access = access;
        this.clock = clock;
    }

    @GET
    @Path("/models")
    public Map<String, Object> models(@Auth Caller c, @Context TenantScope scope) {
        String tenantId = scope.tenantId();
        List<Map<String, Object>> data = new ArrayList<>();
        for (Agent a : agents.list(tenantId)) {
            if (access.allows(c, tenantId, ref(a), ResourcePermission.READ)) {
                data.add(model(a));
            }
        }
        return Map.of("object", "list", "data", data);
    }

    /** OpenAI's {@code models.retrieve}: one agent the caller may read, in the shape {@code GET /v1/models} lists. */
    @GET
    @Path("/models/{model}")
    public Map<String, Object> model(@Auth Caller c, @Context TenantScope scope,
                                     @PathParam("model") String slug) {
        String tenantId = scope.tenantId();
        // An agent the caller may not read is as unknown as one that does not exist, as in the list.
        Agent agent = agents.bySlug(tenantId, slug).filter(a -> access.allows(c, tenantId, ref(a),
                ResourcePermission.READ)).orElseThrow(() -> modelNotFound());
        return model(agent);
    }

    private static Map<String, Object> model(Agent a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.slug());
        m.put("object", "model");
        m.put("created", a.createdAt().getEpochSecond());
        m.put("owned_by", "channelhub");
        return m;
    }

    /** The name asked for is not echoed back: the answer must look the same whether another tenant has it or not. */
    private static ApiException modelNotFound() {
        return new ApiException(404, "model_not_found", "no such model: name one of your agents (GET /v1/models)",
                Map.of());
    }

    private static ResourceDirectory.ResourceRef ref(Agent a) {
        return new ResourceDirectory.ResourceRef(ResourceType.AGENT, a.id(), a.ownerPrincipalId());
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, "text/event-stream"})
    public Response chat(@Auth Caller c, @Context TenantScope scope, String text) {
        String tenantId = scope.tenantId();
        // A completion is an agent turn: it spends the tenant's model budget and quota like a conversation does,
        // so it needs what starting a conversation needs; a viewer only reads.
        access.require(c, tenantId, Permission.RESOURCES_CREATE);
        ChatCompletionCreateParams.Body body;
        try {
            body = SDK.readValue(text == null ? "" : text, ChatCompletionCreateParams.Body.class);
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "request body is not a valid chat completion request");
        }
        if (body == null) {
            throw ApiException.unprocessable("invalid_body", "the request body must be a JSON object",
                    java.util.Map.of());
        }
        // The pipeline's COMPLETIONS row: one api.chat_completions reserved, the tokens checked.
        TurnPipeline.Admitted reservation = pipeline.begin(tenantId, TurnPipeline.Entry.COMPLETIONS, List.of());
        boolean streamOwnsReservation = false;
        try {
            Parsed p;
            try {
                p = parse(tenantId, c, body);
            } catch (OpenAIInvalidDataException e) {
                // The SDK parses lazily: a missing or mistyped field shows up when it is read.
                throw ApiException.badRequest("invalid_request", e.getMessage());
            }
            String id = "chatcmpl-" + Ids.randomBase62(24);
            long created = clock.instant().getEpochSecond();
            if (p.stream()) {
                StreamingOutput completion = stream(tenantId, p, id, created);
                streamOwnsReservation = true;
                return Response.ok((StreamingOutput) out -> {
                    try (reservation) {
                        reservation.bindToThisThread();
                        completion.write(out);
                    }
                }, "text/event-stream").header("Cache-Control", "no-cache").build();
            }
            ModelReply reply = pipeline.complete(tenantId, p.agent(), p.request(), id);
            return Response.ok(write(completion(id, created, p.agent().slug(), reply)), MediaType.APPLICATION_JSON)
                    .build();
        } finally {
            if (!streamOwnsReservation) {
                reservation.close();
            }
        }
    }

    /** What a request asks for, resolved against the tenant's agent. */
    record Parsed(Agent agent, ModelRequest request, boolean stream, boolean includeUsage) {
    }

    private Parsed parse(String tenantId, Caller c, ChatCompletionCreateParams.Body body) {
        String slug = body.model().asString();
        Agent agent = agents.bySlug(tenantId, slug).orElseThrow(() -> modelNotFound());
        access.require(c, tenantId, ref(agent), ResourcePermission.READ);
        AgentSpec spec = agent.spec();
        List<ModelMessage> messages = new ArrayList<>();
        for (ChatCompletionMessageParam m : body.messages()) {
            messages.add(message(m));
        }
        if (messages.isEmpty()) {
            throw ApiException.badRequest("invalid_request", "messages must not be empty");
        }
        List<ModelRequest.Tool> tools = new ArrayList<>();
        for (ChatCompletionTool t : body.tools().orElse(List.of())) {
            if (t.isFunction()) {
                var fn = t.asFunction().function();
                tools.add(new ModelRequest.Tool(fn.name(), fn.description().orElse(null),
                        fn.parameters().map(OpenAiCompatibleResource::json).orElse(null)));
            }
        }
        if (tools.isEmpty()) {
            tools = spec.tools().stream().map(t -> new ModelRequest.Tool(t.path("function").path("name").asText(),
                    t.path("function").path("description").asText(null), t.path("function").has("parameters")
                    ? t.path("function").get("parameters").toString() : null)).toList();
        }
        Double temperature = body.temperature().orElse(spec.temperature() == null ? null
                : spec.temperature().doubleValue());
        Double topP = body.topP().orElse(spec.topP() == null ? null : spec.topP().doubleValue());
        Long max = body.maxCompletionTokens().or(body::maxTokens).orElse(null);
        Integer maxTokens = max != null ? Integer.valueOf((int) Math.min(max, Integer.MAX_VALUE))
                : spec.maxOutputTokens();
        ModelRequest request = new ModelRequest(spec.model(), AgentSpec.RESPONSES.equals(spec.api())
                ? ModelRequest.Api.RESPONSES : ModelRequest.Api.CHAT_COMPLETIONS, agents.instructions(agent),
                messages, temperature, topP, maxTokens, tools, null, spec.knowledge().vectorStoreIds());
        JsonValue streamFlag = body._additionalProperties().get("stream");
        boolean stream = streamFlag != null && Boolean.TRUE.equals(streamFlag.asBoolean().orElse(null));
        boolean usage = body.streamOptions().flatMap(ChatCompletionStreamOptions::includeUsage).orElse(false);
        return new Parsed(agent, request, stream, usage);
    }

    private static String json(Object sdkValue) {
        try {
            return SDK.writeValueAsString(sdkValue);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelMessage message(ChatCompletionMessageParam m) {
        if (m.isUser()) {
            var content = m.asUser().content();
            if (content.isText()) {
                return ModelMessage.user(content.asText());
            }
            StringBuilder sb = new StringBuilder();
            content.asArrayOfContentParts().forEach(part -> {
                if (part.isText()) {
                    sb.append(part.asText().text());
                }
            });
            return ModelMessage.user(sb.toString());
        }
        if (m.isSystem()) {
            var content = m.asSystem().content();
            return new ModelMessage("system", content.isText() ? content.asText() : json(content), List.of(), null);
        }
        if (m.isDeveloper()) {
            var content = m.asDeveloper().content();
            return new ModelMessage("system", content.isText() ? content.asText() : json(content), List.of(), null);
        }
        if (m.isAssistant()) {
            var a = m.asAssistant();
            String content = a.content().map(cv -> cv.isText() ? cv.asText() : json(cv)).orElse(null);
            List<ModelMessage.ToolCall> calls = new ArrayList<>();
            for (ChatCompletionMessageToolCall tc : a.toolCalls().orElse(List.of())) {
                if (tc.isFunction()) {
                    var f = tc.asFunction();
                    calls.add(new ModelMessage.ToolCall(f.id(), f.function().name(), f.function().arguments()));
                }
            }
            return ModelMessage.assistant(content, calls);
        }
        if (m.isTool()) {
            var t = m.asTool();
            return ModelMessage.tool(t.toolCallId(), t.content().isText() ? t.content().asText() : json(t.content()));
        }
        throw ApiException.badRequest("invalid_request", "unsupported message role");
    }

    static ChatCompletion completion(String id, long created, String model, ModelReply reply) {
        ChatCompletionMessage.Builder msg = ChatCompletionMessage.builder()
                .content(reply.content().isEmpty() && !reply.toolCalls().isEmpty() ? null : reply.content())
                .refusal(Optional.empty());
        for (ModelMessage.ToolCall call : reply.toolCalls()) {
            msg.addToolCall(ChatCompletionMessageFunctionToolCall.builder().id(call.id())
                    .function(ChatCompletionMessageFunctionToolCall.Function.builder().name(call.name())
                            .arguments(call.arguments()).build()).build());
        }
        long pt = reply.usage() == null ? 0 : reply.usage().promptTokens();
        long ct = reply.usage() == null ? 0 : reply.usage().completionTokens();
        return ChatCompletion.builder().id(id).created(created).model(model)
                .addChoice(ChatCompletion.Choice.builder().index(0)
                        .finishReason(ChatCompletion.Choice.FinishReason.of(reply.toolCalls().isEmpty()
                                ? finish(reply.finishReason()) : "tool_calls"))
                        .logprobs(Optional.empty()).message(msg.build()).build())
                .usage(CompletionUsage.builder().promptTokens(pt).completionTokens(ct).totalTokens(pt + ct).build())
                .build();
    }

    private static String finish(String f) {
        return f == null || f.isBlank() ? "stop" : f;
    }

    private StreamingOutput stream(String tenantId, Parsed p, String id, long created) {
        return out -> {
            ModelStream s;
            try {
                s = pipeline.stream(tenantId, p.agent(), p.request());
            } catch (HubFailure e) {
                data(out, toJson(ErrorResponse.of(e.code(), e.getMessage(), e.details())));
                return;
            }
            boolean metered = false;
            try (s) {
                data(out, write(chunk(id, created, p.agent().slug(), ChatCompletionChunk.Choice.Delta.builder()
                        .role(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT).content("").build(), null)));
                for (String d = s.nextDelta(); d != null; d = s.nextDelta()) {
                    data(out, write(chunk(id, created, p.agent().slug(),
                            ChatCompletionChunk.Choice.Delta.builder().content(d).build(), null)));
                }
                ModelReply reply = s.reply();
                ChatCompletionChunk.Choice.Delta.Builder last = ChatCompletionChunk.Choice.Delta.builder();
                int index = 0;
                for (ModelMessage.ToolCall call : reply.toolCalls()) {
                    last.addToolCall(ChatCompletionChunk.Choice.Delta.ToolCall.builder().index(index++).id(call.id())
                            .type(ChatCompletionChunk.Choice.Delta.ToolCall.Type.FUNCTION)
                            .function(ChatCompletionChunk.Choice.Delta.ToolCall.Function.builder().name(call.name())
                                    .arguments(call.arguments()).build()).build());
                }
                data(out, write(chunk(id, created, p.agent().slug(), last.build(), reply.toolCalls().isEmpty()
                        ? finish(reply.finishReason()) : "tool_calls")));
                metered = true;
                pipeline.meterCall(tenantId, p.agent(), reply, id);
                if (p.includeUsage()) {
                    long pt = reply.usage() == null ? 0 : reply.usage().promptTokens();
                    long ct = reply.usage() == null ? 0 : reply.usage().completionTokens();
                    data(out, write(ChatCompletionChunk.builder().id(id).created(created).model(p.agent().slug())
                            .choices(List.of()).usage(CompletionUsage.builder().promptTokens(pt).completionTokens(ct)
                                    .totalTokens(pt + ct).build()).build()));
                }
                data(out, "[DONE]");
            } catch (ModelException e) {
                HubFailure f = ModelGateway.translateForStream(e);
                data(out, toJson(ErrorResponse.of(f.code(), f.getMessage(), f.details())));
            } catch (IOException e) {
                // The client went away: closing the stream (try-with-resources) stops the model call. The call was
                // made, so it counts; its tokens are not known.
                if (!metered) {
                    pipeline.meterCall(tenantId, p.agent(), null, id);
                }
            }
        };
    }

    private static ChatCompletionChunk chunk(String id, long created, String model,
                                             ChatCompletionChunk.Choice.Delta delta, String finish) {
        return ChatCompletionChunk.builder().id(id).created(created).model(model)
                .addChoice(ChatCompletionChunk.Choice.builder().index(0).delta(delta)
                        .finishReason(finish == null ? null : ChatCompletionChunk.Choice.FinishReason.of(finish))
                        .build())
                .build();
    }

    private static void data(OutputStream out, String payload) throws IOException {
        out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String write(Object sdkObject) {
        try {
            return SDK.writeValueAsString(sdkObject);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private static String toJson(Object o) {
        try {
            return PLAIN.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
