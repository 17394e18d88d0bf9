package io.channelhub.hub.llm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.core.RequestOptions;
import com.openai.core.Timeout;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnprocessableEntityException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.SettingType;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsSchema;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelProvider;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import io.dropwizard.lifecycle.Managed;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;

/**
 * OpenAI-compatible models through the official openai-java SDK: Chat Completions or the Responses API, plain or
 * streamed, with function tools, structured output and file search. The base URL makes it work with OpenAI, Azure
 * OpenAI, Ollama, vLLM and LiteLLM. The SDK's own retries are off: the hub's gateway retries and breaks circuits.
 */
public class OpenAiProvider implements ModelProvider, Managed {

    static final String CANCEL_HEADER = "X-ChannelHub-Call";
    private static final Duration STREAM_LIMIT = Duration.ofMinutes(10);

    private final Map<String, OpenAIClient> clients = new ConcurrentHashMap<>();
    private final int maxIdleConnections;

    public OpenAiProvider() {
        this(256);
    }

    /** {@code maxIdleConnections}: kept open per endpoint, so a busy node reuses connections instead of opening. */
    public OpenAiProvider(int maxIdleConnections) {
        this.maxIdleConnections = maxIdleConnections;
    }
    /** In-flight calls by our cancel key, so another thread can stop a stream (okhttp's cancel is thread-safe). */
    private final Map<String, Call> calls = new ConcurrentHashMap<>();

    @Override
    public String id() {
        return ModelGateway.OPENAI;
    }

    @Override
    public SettingsSchema settingsSchema() {
        return SettingsSchema.of(
                SettingDefinition.builder("base_url", SettingType.URL).label("Base URL")
                        .help("Empty for OpenAI; e.g. http://ollama:11434/v1, a vLLM or LiteLLM URL, or Azure's").build(),
                SettingDefinition.builder("api_key", SettingType.STRING).label("API key").secret().build(),
                SettingDefinition.builder("organization", SettingType.STRING).label("Organization id").build(),
                SettingDefinition.builder("legacy_max_tokens", SettingType.BOOLEAN).label("Send max_tokens")
                        .help("For servers that do not know max_completion_tokens").defaultValue("false").build());
    }

    private OpenAIClient client(Settings s) {
        String baseUrl = s.get("base_url").orElse("https://api.openai.com/v1");
        // Keyless local servers (Ollama) still need some credential for the SDK.
        String apiKey = s.get("api_key").orElse("none");
        String org = s.get("organization").orElse("");
        String key = baseUrl + "|" + Integer.toHexString(apiKey.hashCode()) + "|" + org;
        return clients.computeIfAbsent(key, k -> {
            OpenAIOkHttpClient.Builder b = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(apiKey)
                    .maxRetries(0)
                    .maxIdleConnections(maxIdleConnections).keepAliveDuration(Duration.ofMinutes(5))
                    .addInterceptor(chain -> {
                        String id = chain.request().header(CANCEL_HEADER);
                        if (id != null) {
                            calls.put(id, chain.call());
                        }
                        okhttp3.Request req = chain.request();
                        if (req.header("traceparent") == null) {
                            // W3C trace context of the current (model call) span: the call joins the request's trace.
                            okhttp3.Request.Builder traced = req.newBuilder();
                            io.channelhub.hub.observability.Tracing.headers(io.opentelemetry.context.Context.current())
                                    .forEach(traced::header);
                            req = traced.build();
                        }
                        return chain.proceed(req);
                    });
            if (!org.isEmpty()) {
                b.organization(org);
            }
            return b.build();
        });
    }

    private static Duration timeout(Settings s) {
        return Duration.ofMillis(s.getLong("timeout_ms").orElse(60_000L));
    }

    @Override
    public ModelReply complete(ModelRequest request, Settings settings) throws ModelException {
        OpenAIClient client = client(settings);
        Duration t = timeout(settings);
        RequestOptions options = RequestOptions.builder().timeout(Timeout.builder().connect(Duration.ofSeconds(10))
                .read(t).write(t).request(t).build()).build();
        try {
            if (request.api() == ModelRequest.Api.RESPONSES) {
                return fromResponse(client.responses().create(responseParams(request), options));
            }
            return fromChat(client.chat().completions().create(chatParams(request, settings), options));
        } catch (OpenAIException e) {
            throw classify(e);
        }
    }

    @Override
    public ModelStream stream(ModelRequest request, Settings settings) throws ModelException {
        OpenAIClient client = client(settings);
        Duration t = timeout(settings);
        // read: the longest silence between chunks; request: the whole stream.
        RequestOptions options = RequestOptions.builder().timeout(Timeout.builder().connect(Duration.ofSeconds(10))
                .read(t).write(t).request(STREAM_LIMIT).build()).build();
        String callId = UUID.randomUUID().toString();
        try {
            if (request.api() == ModelRequest.Api.RESPONSES) {
                ResponseCreateParams p = responseParams(request).toBuilder().putAdditionalHeader(CANCEL_HEADER, callId)
                        .build();
                return new ResponsesStream(client.responses().createStreaming(p, options), callId);
            }
            ChatCompletionCreateParams p = chatParams(request, settings).toBuilder()
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                    .putAdditionalHeader(CANCEL_HEADER, callId).build();
            return new ChatStream(client.chat().completions().createStreaming(p, options), callId);
        } catch (OpenAIException e) {
            calls.remove(callId);
            throw classify(e);
        }
    }

    @Override
    public void stop() {
        clients.values().forEach(OpenAIClient::close);
        clients.clear();
    }

    // Requests ---------------------------------------------------------------------------------------------------

    private static Map<String, JsonValue> jsonObject(String json) {
        if (json == null || json.isBlank()) {
            return Map.of("type", JsonValue.from("object"), "properties", JsonValue.from(Map.of()));
        }
        try {
            Map<String, Object> m = ObjectMappers.jsonMapper().readValue(json, new TypeReference<>() { });
            Map<String, JsonValue> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, JsonValue.from(v)));
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("stored JSON schema is not JSON", e);
        }
    }

    ChatCompletionCreateParams chatParams(ModelRequest r, Settings s) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(r.model());
        if (r.instructions() != null && !r.instructions().isBlank()) {
            b.addSystemMessage(r.instructions());
        }
        for (ModelMessage m : r.messages()) {
            switch (m.role()) {
                case "system" -> b.addSystemMessage(m.content() == null ? "" : m.content());
                case "assistant" -> {
                    ChatCompletionAssistantMessageParam.Builder a = ChatCompletionAssistantMessageParam.builder();
                    if (m.content() != null && !m.content().isEmpty()) {
                        a.content(m.content());
                    }
                    for (ModelMessage.ToolCall c : m.toolCalls()) {
                        a.addToolCall(ChatCompletionMessageFunctionToolCall.builder().id(c.id())
                                .function(ChatCompletionMessageFunctionToolCall.Function.builder().name(c.name())
                                        .arguments(c.arguments()).build()).build());
                    }
                    b.addMessage(a.build());
                }
                case "tool" -> b.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(m.toolCallId())
                        .content(m.content() == null ? "" : m.content()).build());
                default -> {
                    if (m.attachments().isEmpty()) {
                        b.addUserMessage(m.content() == null ? "" : m.content());
                    } else {
                        b.addUserMessageOfArrayOfContentParts(chatParts(m));
                    }
                }
            }
        }
        if (r.temperature() != null) {
            b.temperature(r.temperature());
        }
        if (r.topP() != null) {
            b.topP(r.topP());
        }
        if (r.maxOutputTokens() != null) {
            if (s.getBoolean("legacy_max_tokens").orElse(false)) {
                b.maxTokens(r.maxOutputTokens().longValue());
            } else {
                b.maxCompletionTokens(r.maxOutputTokens().longValue());
            }
        }
        for (ModelRequest.Tool t : r.tools()) {
            FunctionDefinition.Builder fd = FunctionDefinition.builder().name(t.name())
                    .parameters(FunctionParameters.builder().putAllAdditionalProperties(jsonObject(t.parametersJson()))
                            .build());
            if (t.description() != null) {
                fd.description(t.description());
            }
            b.addTool(ChatCompletionFunctionTool.builder().function(fd.build()).build());
        }
        ModelRequest.ResponseFormat f = r.responseFormat();
        if (f != null && "json_schema".equals(f.type())) {
            b.responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                    .name(f.name()).strict(f.strict()).schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                            .putAllAdditionalProperties(jsonObject(f.schemaJson())).build()).build()).build());
        } else if (f != null && "json_object".equals(f.type())) {
            b.responseFormat(ResponseFormatJsonObject.builder().build());
        }
        return b.build();
    }

    /**
     * A user message with files as Chat Completions content parts: images as data URLs, PDFs as file parts, text
     * files inline; other types are named in text, since the model cannot read them.
     */
    static List<com.openai.models.chat.completions.ChatCompletionContentPart> chatParts(ModelMessage m) {
        List<com.openai.models.chat.completions.ChatCompletionContentPart> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder(m.content() == null ? "" : m.content());
        for (ModelMessage.Attachment a : m.attachments()) {
            String data = "data:" + a.contentType() + ";base64," + java.util.Base64.getEncoder()
                    .encodeToString(a.data());
            if (a.contentType().startsWith("image/")) {
                parts.add(com.openai.models.chat.completions.ChatCompletionContentPart.ofImageUrl(
                        com.openai.models.chat.completions.ChatCompletionContentPartImage.builder().imageUrl(
                                com.openai.models.chat.completions.ChatCompletionContentPartImage.ImageUrl.builder()
                                        .url(data).build()).build()));
            } else if ("application/pdf".equals(a.contentType())) {
                parts.add(com.openai.models.chat.completions.ChatCompletionContentPart.ofFile(
                        com.openai.models.chat.completions.ChatCompletionContentPart.File.builder().file(
                                com.openai.models.chat.completions.ChatCompletionContentPart.File.FileObject.builder()
                                        .fileData(data).filename(fileName(a)).build()).build()));
            } else {
                text.append(inlineText(a));
            }
        }
        parts.add(0, com.openai.models.chat.completions.ChatCompletionContentPart.ofText(
                com.openai.models.chat.completions.ChatCompletionContentPartText.builder().text(text.toString())
                        .build()));
        return parts;
    }

    /** The same for the Responses API: input_text, input_image and input_file. */
    static List<com.openai.models.responses.ResponseInputContent> responseParts(ModelMessage m) {
        List<com.openai.models.responses.ResponseInputContent> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder(m.content() == null ? "" : m.content());
        for (ModelMessage.Attachment a : m.attachments()) {
            String data = "data:" + a.contentType() + ";base64," + java.util.Base64.getEncoder()
                    .encodeToString(a.data());
            if (a.contentType().startsWith("image/")) {
                parts.add(com.openai.models.responses.ResponseInputContent.ofInputImage(
                        com.openai.models.responses.ResponseInputImage.builder().imageUrl(data)
                                .detail(com.openai.models.responses.ResponseInputImage.Detail.AUTO).build()));
            } else if ("application/pdf".equals(a.contentType())) {
                parts.add(com.openai.models.responses.ResponseInputContent.ofInputFile(
                        com.openai.models.responses.ResponseInputFile.builder().fileData(data).filename(fileName(a))
                                .build()));
            } else {
                text.append(inlineText(a));
            }
        }
        parts.add(0, com.openai.models.responses.ResponseInputContent.ofInputText(
                com.openai.models.responses.ResponseInputText.builder().text(text.toString()).build()));
        return parts;
    }

    static String fileName(ModelMessage.Attachment a) {
        return a.fileName() == null ? "attachment" : a.fileName();
    }

    /** A text file inline; another type the model cannot read, named so it can say so. */
    static String inlineText(ModelMessage.Attachment a) {
        if (a.contentType().startsWith("text/")) {
            return "\n\n[Attached file " + fileName(a) + "]\n" + new String(a.data(),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
        return "\n\n[Attached file " + fileName(a) + " (" + a.contentType() + "), which this model cannot read]";
    }

    ResponseCreateParams responseParams(ModelRequest r) {
        ResponseCreateParams.Builder b = ResponseCreateParams.builder().model(r.model());
        if (r.instructions() != null && !r.instructions().isBlank()) {
            b.instructions(r.instructions());
        }
        List<ResponseInputItem> input = new ArrayList<>();
        for (ModelMessage m : r.messages()) {
            switch (m.role()) {
                case "assistant" -> {
                    if (m.content() != null && !m.content().isEmpty()) {
                        input.add(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                                .role(EasyInputMessage.Role.ASSISTANT).content(m.content()).build()));
                    }
                    for (ModelMessage.ToolCall c : m.toolCalls()) {
                        input.add(ResponseInputItem.ofFunctionCall(ResponseFunctionToolCall.builder().callId(c.id())
                                .name(c.name()).arguments(c.arguments()).build()));
                    }
                }
                case "tool" -> input.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput
                        .builder().callId(m.toolCallId()).output(m.content() == null ? "" : m.content()).build()));
                case "system" -> input.add(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                        .role(EasyInputMessage.Role.SYSTEM).content(m.content() == null ? "" : m.content()).build()));
                default -> input.add(ResponseInputItem.ofEasyInputMessage(m.attachments().isEmpty()
                        ? EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                                .content(m.content() == null ? "" : m.content()).build()
                        : EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                                .contentOfResponseInputMessageContentList(responseParts(m)).build()));
            }
        }
        b.inputOfResponse(input);
        if (r.temperature() != null) {
            b.temperature(r.temperature());
        }
        if (r.topP() != null) {
            b.topP(r.topP());
        }
        if (r.maxOutputTokens() != null) {
            b.maxOutputTokens(r.maxOutputTokens().longValue());
        }
        for (ModelRequest.Tool t : r.tools()) {
            FunctionTool.Builder ft = FunctionTool.builder().name(t.name()).strict(false)
                    .parameters(FunctionTool.Parameters.builder().putAllAdditionalProperties(
                            jsonObject(t.parametersJson())).build());
            if (t.description() != null) {
                ft.description(t.description());
            }
            b.addTool(ft.build());
        }
        if (!r.vectorStoreIds().isEmpty()) {
            b.addFileSearchTool(r.vectorStoreIds());
        }
        ModelRequest.ResponseFormat f = r.responseFormat();
        if (f != null && "json_schema".equals(f.type())) {
            b.text(ResponseTextConfig.builder().format(ResponseFormatTextJsonSchemaConfig.builder().name(f.name())
                    .strict(f.strict()).schema(ResponseFormatTextJsonSchemaConfig.Schema.builder()
                            .putAllAdditionalProperties(jsonObject(f.schemaJson())).build()).build()).build());
        }
        return b.build();
    }

    // Replies ----------------------------------------------------------------------------------------------------

    static ModelReply fromChat(ChatCompletion cc) {
        ChatCompletion.Choice ch = cc.choices().isEmpty() ? null : cc.choices().get(0);
        String content = ch == null ? "" : ch.message().content().orElse("");
        List<ModelMessage.ToolCall> calls = new ArrayList<>();
        if (ch != null) {
            for (ChatCompletionMessageToolCall tc : ch.message().toolCalls().orElse(List.of())) {
                if (tc.isFunction()) {
                    var f = tc.asFunction();
                    calls.add(new ModelMessage.ToolCall(f.id(), f.function().name(), f.function().arguments()));
                }
            }
        }
        ModelReply.Usage usage = cc.usage().map(u -> new ModelReply.Usage(u.promptTokens(), u.completionTokens()))
                .orElse(new ModelReply.Usage(0, 0));
        String finish = ch == null ? "stop" : ch.finishReason().asString();
        return new ModelReply(content, calls, finish, usage, cc.model());
    }

    static ModelReply fromResponse(Response r) {
        StringBuilder text = new StringBuilder();
        List<ModelMessage.ToolCall> calls = new ArrayList<>();
        for (ResponseOutputItem item : r.output()) {
            if (item.isMessage()) {
                for (ResponseOutputMessage.Content c : item.asMessage().content()) {
                    c.outputText().ifPresent(t -> text.append(t.text()));
                }
            } else if (item.isFunctionCall()) {
                ResponseFunctionToolCall fc = item.asFunctionCall();
                calls.add(new ModelMessage.ToolCall(fc.callId(), fc.name(), fc.arguments()));
            }
        }
        ModelReply.Usage usage = r.usage().map(u -> new ModelReply.Usage(u.inputTokens(), u.outputTokens()))
                .orElse(new ModelReply.Usage(0, 0));
        var m = r.model();
        // The model is a union of free text and the SDK's known model enums.
        String model = m.string().orElseGet(() -> m.chat().map(c -> c.asString())
                .orElseGet(() -> m.only().map(o -> o.asString()).orElse("")));
        return new ModelReply(text.toString(), calls, calls.isEmpty() ? "stop" : "tool_calls", usage, model);
    }

    static ModelException classify(OpenAIException e) {
        if (e instanceof RateLimitException r) {
            return new ModelException(ModelException.Kind.RATE_LIMITED, "rate limited", retryAfter(r));
        }
        if (e instanceof UnauthorizedException || e instanceof PermissionDeniedException) {
            return new ModelException(ModelException.Kind.AUTHENTICATION, "credentials refused", (Duration) null);
        }
        if (e instanceof BadRequestException || e instanceof NotFoundException
                || e instanceof UnprocessableEntityException) {
            return new ModelException(ModelException.Kind.BAD_REQUEST, e.getMessage(), (Duration) null);
        }
        if (e instanceof OpenAIServiceException s) {
            int status = s.statusCode();
            if (status == 408) {
                return new ModelException(ModelException.Kind.TIMEOUT, "upstream timeout", e);
            }
            return new ModelException(status >= 500 || e instanceof InternalServerException || status < 400
                    ? ModelException.Kind.UPSTREAM_ERROR : ModelException.Kind.BAD_REQUEST, e.getMessage(), e);
        }
        if (e instanceof OpenAIIoException) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof InterruptedIOException) {
                    return new ModelException(ModelException.Kind.TIMEOUT, "no answer in time", e);
                }
            }
        }
        // A malformed answer (e.g. a field the SDK cannot read) is the upstream's fault; the gateway logs it.
        return new ModelException(ModelException.Kind.UPSTREAM_ERROR, "model call failed: " + e.getMessage(), e);
    }

    private static Duration retryAfter(OpenAIServiceException e) {
        List<String> v = e.headers().values("Retry-After");
        if (v.isEmpty()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(v.get(0).trim()));
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    // Streams ----------------------------------------------------------------------------------------------------

    /** Shared handling of cancel: close() may come from another thread, which may only cancel the HTTP call. */
    private abstract class BaseStream<T> implements ModelStream {
        private final StreamResponse<T> response;
        private final String callId;
        private final Thread reader = Thread.currentThread();
        protected final Iterator<T> it;
        private volatile boolean closed;

        BaseStream(StreamResponse<T> response, String callId) {
            this.response = response;
            this.callId = callId;
            this.it = response.stream().iterator();
        }

        protected boolean hasNext() throws ModelException {
            if (closed) {
                return false;
            }
            try {
                return it.hasNext();
            } catch (OpenAIException e) {
                if (closed) {
                    return false;
                }
                throw classify(e);
            }
        }

        /** The next text piece, or null at the end; SDK failures (also lazy parse errors) are classified. */
        protected abstract String next() throws ModelException;

        @Override
        public final String nextDelta() throws ModelException {
            try {
                return next();
            } catch (OpenAIException e) {
                if (closed) {
                    return null;
                }
                throw classify(e);
            }
        }

        @Override
        public void close() {
            closed = true;
            Call call = calls.remove(callId);
            if (Thread.currentThread() == reader) {
                response.close();
            } else if (call != null) {
                call.cancel();
            }
        }
    }

    private final class ChatStream extends BaseStream<ChatCompletionChunk> {
        private final StringBuilder text = new StringBuilder();
        private final TreeMap<Long, String[]> tools = new TreeMap<>();
        private String finish = "stop";
        private String model = "";
        private ModelReply.Usage usage = new ModelReply.Usage(0, 0);

        ChatStream(StreamResponse<ChatCompletionChunk> response, String callId) {
            super(response, callId);
        }

        @Override
        protected String next() throws ModelException {
            while (hasNext()) {
                ChatCompletionChunk chunk = it.next();
                model = chunk.model();
                chunk.usage().ifPresent(u -> usage = new ModelReply.Usage(u.promptTokens(), u.completionTokens()));
                StringBuilder delta = new StringBuilder();
                for (ChatCompletionChunk.Choice c : chunk.choices()) {
                    c.delta().content().ifPresent(delta::append);
                    c.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                        String[] acc = tools.computeIfAbsent(tc.index(), i -> new String[] {null, null, ""});
                        tc.id().ifPresent(id -> acc[0] = id);
                        tc.function().ifPresent(f -> {
                            f.name().ifPresent(n -> acc[1] = n);
                            f.arguments().ifPresent(a -> acc[2] = acc[2] + a);
                        });
                    }));
                    c.finishReason().ifPresent(fr -> finish = fr.asString());
                }
                if (delta.length() > 0) {
                    text.append(delta);
                    return delta.toString();
                }
            }
            return null;
        }

        @Override
        public ModelReply reply() {
            List<ModelMessage.ToolCall> calls = tools.values().stream()
                    .map(a -> new ModelMessage.ToolCall(a[0], a[1], a[2])).toList();
            return new ModelReply(text.toString(), calls, finish, usage, model);
        }
    }

    private final class ResponsesStream extends BaseStream<ResponseStreamEvent> {
        private final StringBuilder text = new StringBuilder();
        private ModelReply completed;

        ResponsesStream(StreamResponse<ResponseStreamEvent> response, String callId) {
            super(response, callId);
        }

        @Override
        protected String next() throws ModelException {
            while (hasNext()) {
                ResponseStreamEvent e = it.next();
                if (e.isOutputTextDelta()) {
                    String d = e.asOutputTextDelta().delta();
                    text.append(d);
                    return d;
                }
                if (e.isCompleted()) {
                    completed = fromResponse(e.asCompleted().response());
                } else if (e.isFailed() || e.isError()) {
                    throw new ModelException(ModelException.Kind.UPSTREAM_ERROR, "the response failed",
                            (Duration) null);
                }
            }
            return null;
        }

        @Override
        public ModelReply reply() {
            if (completed != null) {
                return new ModelReply(text.length() > 0 ? text.toString() : completed.content(),
                        completed.toolCalls(), completed.finishReason(), completed.usage(), completed.model());
            }
            return new ModelReply(text.toString(), List.of(), "stop", new ModelReply.Usage(0, 0), "");
        }
    }
}
