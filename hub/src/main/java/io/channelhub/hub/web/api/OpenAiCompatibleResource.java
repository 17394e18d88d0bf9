package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * OpenAI's Chat Completions API on top of the tenant's agents: {@code model} is an agent slug. An unmodified OpenAI
 * SDK pointed at {@code https://hub/v1} with a tenant API key works; the call goes through the same tenancy, ACL,
 * model gateway and metering as every other turn. It is stateless, as OpenAI's is: the caller sends the history.
 * Bodies are read and written in OpenAI's exact shapes by {@link ChatCompletionsWire} (held to the official SDK's
 * serialisation in its tests), without the SDK's model classes on the request path.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class OpenAiCompatibleResource {

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
        ChatCompletionsWire.Body body = ChatCompletionsWire.read(text);
        // The pipeline's COMPLETIONS row: one api.chat_completions reserved, the tokens checked.
        TurnPipeline.Admitted reservation = pipeline.begin(tenantId, TurnPipeline.Entry.COMPLETIONS, List.of());
        boolean streamOwnsReservation = false;
        try {
            Parsed p = parse(tenantId, c, body);
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
            return Response.ok(ChatCompletionsWire.completion(id, created, p.agent().slug(), reply, p.citations()),
                    MediaType.APPLICATION_JSON).build();
        } finally {
            if (!streamOwnsReservation) {
                reservation.close();
            }
        }
    }

    /** What a request asks for, resolved against the tenant's agent. */
    record Parsed(Agent agent, ModelRequest request, boolean stream, boolean includeUsage,
                  List<io.channelhub.hub.knowledge.Citation> citations) {
    }

    private Parsed parse(String tenantId, Caller c, ChatCompletionsWire.Body body) {
        Agent agent = agents.bySlug(tenantId, body.model()).orElseThrow(() -> modelNotFound());
        access.require(c, tenantId, ref(agent), ResourcePermission.READ);
        AgentSpec spec = agent.spec();
        if (body.messages().isEmpty()) {
            throw ApiException.badRequest("invalid_request", "messages must not be empty");
        }
        List<ModelRequest.Tool> tools = body.tools();
        if (tools.isEmpty()) {
            tools = spec.tools().stream().map(t -> new ModelRequest.Tool(t.path("function").path("name").asText(),
                    t.path("function").path("description").asText(null), t.path("function").has("parameters")
                    ? t.path("function").get("parameters").toString() : null)).toList();
        }
        Double temperature = body.temperature() != null ? body.temperature()
                : spec.temperature() == null ? null : spec.temperature().doubleValue();
        Double topP = body.topP() != null ? body.topP() : spec.topP() == null ? null : spec.topP().doubleValue();
        Long max = body.maxTokens();
        Integer maxTokens = max != null ? Integer.valueOf((int) Math.min(max, Integer.MAX_VALUE))
                : spec.maxOutputTokens();
        ModelRequest request = new ModelRequest(spec.model(), AgentSpec.RESPONSES.equals(spec.api())
                ? ModelRequest.Api.RESPONSES : ModelRequest.Api.CHAT_COMPLETIONS, agents.instructions(agent),
                body.messages(), temperature, topP, maxTokens, tools, null, spec.knowledge().hostedIds());
        TurnPipeline.Grounded grounded = pipeline.ground(tenantId, agent, request);
        return new Parsed(agent, grounded.request(), body.stream(), body.includeUsage(), grounded.citations());
    }

    private StreamingOutput stream(String tenantId, Parsed p, String id, long created) {
        String model = p.agent().slug();
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
                data(out, ChatCompletionsWire.firstChunk(id, created, model, p.citations()));
                for (String d = s.nextDelta(); d != null; d = s.nextDelta()) {
                    data(out, ChatCompletionsWire.deltaChunk(id, created, model, d));
                }
                ModelReply reply = s.reply();
                data(out, ChatCompletionsWire.lastChunk(id, created, model, reply));
                metered = true;
                pipeline.meterCall(tenantId, p.agent(), reply, id);
                if (p.includeUsage()) {
                    data(out, ChatCompletionsWire.usageChunk(id, created, model, reply));
                }
                data(out, "[DONE]");
            } catch (ModelException e) {
                HubFailure f = ModelGateway.translateForStream(e);
                data(out, toJson(ErrorResponse.of(f.code(), f.getMessage(), f.details())));
            } catch (IOException e) {
                // The client went away: closing the stream (try-with-resources) stops the model call. The call was
                // made, so it counts; its tokens are not known.
                if (!metered) {
                    pipeline.meterCutOff(tenantId, p.agent(), s, id);
                }
            }
        };
    }

    private static void data(OutputStream out, String payload) throws IOException {
        out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static final ObjectMapper PLAIN =
            io.channelhub.hub.concurrency.SharedJsonBuffers.share(new ObjectMapper());

    private static String toJson(Object o) {
        try {
            return PLAIN.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
