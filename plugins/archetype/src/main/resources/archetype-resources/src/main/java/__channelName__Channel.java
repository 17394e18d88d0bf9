package ${package};

import io.channelhub.plugin.HttpAnswer;
import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.SettingType;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsException;
import io.channelhub.plugin.SettingsSchema;
import io.channelhub.plugin.channel.ChannelConnector;
import io.channelhub.plugin.channel.ChannelDescriptor;
import io.channelhub.plugin.channel.MessageReceived;
import io.channelhub.plugin.channel.OutboundMessage;
import io.channelhub.plugin.channel.SendResult;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.pf4j.Extension;

/**
 * The ${channelName} channel. Its provider posts each message a user sends to the instance's route
 * ({@code /hooks/instances/<id>}) as a form ({@code id}, {@code from}, {@code text}), signed with the instance's
 * webhook secret: {@code X-Signature: sha256=<hex HMAC-SHA256 of the body>}. Replies go to the provider's
 * {@code api_url} as a form ({@code to}, {@code text}, {@code reference}) with the API token as a bearer token; the
 * provider answers {@code id=<its message id>}.
 * <p>
 * Change the wire format to your provider's; keep what the hub relies on (the contract test checks it): refuse what
 * is not genuine with a 4xx and no events, give every event the provider's id (the hub de-duplicates by it), send only
 * through {@code context.http()}, and answer a send with Delivered, Retryable or Permanent instead of throwing.
 */
@Extension
public class ${channelName}Channel implements ChannelConnector {

    static final String TYPE = "${channelType}";

    private static final SettingsSchema SCHEMA = SettingsSchema.of(
            SettingDefinition.builder("api_url", SettingType.STRING)
                    .label("API URL")
                    .help("The provider's endpoint that takes replies")
                    .required()
                    .build(),
            SettingDefinition.builder("api_token", SettingType.STRING)
                    .label("API token")
                    .help("Sent with every reply as a bearer token")
                    .required()
                    .secret()
                    .build(),
            SettingDefinition.builder("webhook_secret", SettingType.STRING)
                    .label("Webhook secret")
                    .help("The provider signs its webhooks with it (X-Signature)")
                    .required()
                    .secret()
                    .build());

    @Override
    public ChannelDescriptor descriptor() {
        // No routing key: every instance has its own route. 10 replies a second per instance at most; replies longer
        // than 1,000 characters go out in parts.
        return new ChannelDescriptor(TYPE, "${channelName}", Set.of(), SCHEMA, null, 10.0, null, 1000);
    }

    @Override
    public void validateSettings(Settings settings) throws SettingsException {
        String url = settings.get("api_url").orElse("");
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null || !List.of("https", "http").contains(String.valueOf(uri.getScheme()))) {
                throw new SettingsException(Map.of("api_url", "an http(s) URL"));
            }
        } catch (IllegalArgumentException e) {
            throw new SettingsException(Map.of("api_url", "an http(s) URL"));
        }
    }

    @Override
    public InboundResult handleInbound(InboundRequest request, InboundScope scope) {
        Optional<PluginContext> instance = scope.instance();
        if (instance.isEmpty()) {
            return InboundResult.answerOnly(HttpAnswer.status(404));
        }
        if (!"POST".equals(request.method())) {
            return InboundResult.answerOnly(HttpAnswer.status(405));
        }
        PluginContext context = instance.get();
        byte[] body = request.body();
        if (!signedWith(context.settings().require("webhook_secret"), body,
                request.header("X-Signature").orElse(""))) {
            return InboundResult.answerOnly(HttpAnswer.status(401));
        }
        Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
        String id = form.get("id");
        String from = form.get("from");
        if (id == null || id.isBlank() || from == null || from.isBlank()) {
            return InboundResult.answerOnly(HttpAnswer.text(400, "id and from are required"));
        }
        MessageReceived message = new MessageReceived(id, from, null, MessageReceived.Kind.TEXT,
                form.getOrDefault("text", ""), Map.of(), context.clock().instant());
        // The hub stores the event before it writes this 200, so the provider may retry until it sees one.
        return InboundResult.accepted(HttpAnswer.status(200),
                List.of(new InboundResult.BoundEvent(context, message)));
    }

    @Override
    public SendResult send(OutboundMessage message, PluginContext context) {
        Settings settings = context.settings();
        String body = "to=" + encode(message.contactExternalId()) + "&text=" + encode(message.text())
                + "&reference=" + encode(message.messageId());
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.require("api_url")))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + settings.require("api_token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                // The hub's id is stable across its retries: the provider can drop a send it already took.
                .header("Idempotency-Key", message.messageId())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = context.http().send(request);
        } catch (IOException e) {
            return new SendResult.Retryable("network: " + e.getClass().getSimpleName(), Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult.Retryable("interrupted", Optional.empty());
        }
        int status = response.statusCode();
        String answer = new String(response.body(), StandardCharsets.UTF_8);
        if (status >= 200 && status < 300) {
            String id = form(answer).get("id");
            return id == null || id.isBlank()
                    ? new SendResult.Permanent("no_message_id", "the provider accepted the reply but named no id")
                    : new SendResult.Delivered(id);
        }
        if (status == 429 || status >= 500) {
            Optional<Duration> after = response.headers().firstValue("Retry-After")
                    .filter(v -> v.matches("[0-9]{1,6}")).map(v -> Duration.ofSeconds(Long.parseLong(v)));
            return new SendResult.Retryable("provider answered " + status, after);
        }
        return new SendResult.Permanent("rejected_" + status, "the provider refused the reply: "
                + answer.substring(0, Math.min(200, answer.length())));
    }

    /** Constant-time, so the response time does not tell a caller how much of a guessed signature was right. */
    static boolean signedWith(String secret, byte[] body, String header) {
        if (!header.startsWith("sha256=")) {
            return false;
        }
        return MessageDigest.isEqual(signature(secret, body).getBytes(StandardCharsets.US_ASCII),
                header.substring("sha256=".length()).getBytes(StandardCharsets.US_ASCII));
    }

    /** The hex HMAC-SHA256 of {@code body} under {@code secret}, as the provider signs. */
    static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}
