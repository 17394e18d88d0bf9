package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.channel.SendResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Graph API answers as {@link SendResult}s (docs/channel-whatsapp.md, "Results"). Graph errors are
 * {@code {"error":{"message","type","code","error_data":{"details"},"fbtrace_id"}}}; the code decides, because
 * Meta keeps codes stable and rewords messages. Reasons are fixed texts: Meta's messages and details can quote
 * the recipient's number, and a reason (logged) must carry no personal data; Meta's title and details travel
 * separately, to be kept with the tenant's message.
 */
final class GraphErrors {

    /**
     * Codes that pass on a retry: 130429 throughput, 131056 pair rate limit, 131000 and 131016 temporary; also
     * the Graph API's own throttling codes 4 (app) and 80007 (business account), which Meta documents as rate
     * limits that clear by waiting.
     */
    static final Set<String> RETRYABLE = Set.of("130429", "131056", "131000", "131016", "4", "80007");

    private static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("130429", "throughput limit of the number reached"),
            Map.entry("131056", "too many messages to this recipient in a short time"),
            Map.entry("131000", "temporary error at WhatsApp"),
            Map.entry("131016", "WhatsApp service temporarily unavailable"),
            Map.entry("4", "Graph API application rate limit reached"),
            Map.entry("80007", "WhatsApp Business Account rate limit reached"),
            Map.entry("131047", "outside the 24-hour customer service window; send a template"),
            Map.entry("131026", "message undeliverable to this recipient"),
            Map.entry("131050", "the recipient stopped marketing messages"),
            Map.entry("131051", "unsupported message type"),
            Map.entry("131049", "not delivered to keep the ecosystem healthy"),
            Map.entry("131048", "spam rate limit reached"),
            Map.entry("131053", "media upload error"),
            Map.entry("131052", "media download error"),
            Map.entry("131008", "a required parameter is missing"),
            Map.entry("131009", "a parameter value is not valid"),
            Map.entry("131021", "sender and recipient are the same number"),
            Map.entry("131031", "the business account is locked"),
            Map.entry("132000", "template parameter count does not match"),
            Map.entry("132001", "template does not exist in this language"),
            Map.entry("132005", "translated template text is too long"),
            Map.entry("132007", "template content violates a policy"),
            Map.entry("132012", "template parameter format does not match"),
            Map.entry("132015", "template is paused"),
            Map.entry("132016", "template is disabled"),
            Map.entry("133010", "phone number not registered on the Cloud API"),
            Map.entry("100", "invalid parameter"),
            Map.entry("190", "access token expired or invalid"),
            Map.entry("10", "permission denied"),
            Map.entry("200", "permission denied"),
            Map.entry("368", "temporarily blocked for policy violations"));

    private GraphErrors() {
    }

    /**
     * A parsed Graph error.
     *
     * @param code      {@code error.code} as text, or null when the body has none
     * @param type      {@code error.type}, or null
     * @param fbtraceId {@code error.fbtrace_id} (what Meta support asks for), or null
     * @param title     Meta's title of the error ({@code title}, {@code error_user_title} or {@code message}), or null
     * @param details   {@code error_data.details} (or {@code error_user_msg}), or null
     */
    record GraphError(String code, String type, String fbtraceId, String title, String details) {

        GraphError(String code, String type, String fbtraceId) {
            this(code, type, fbtraceId, null, null);
        }
    }

    /** The error of a body, if it is a Graph error. */
    static Optional<GraphError> parse(byte[] body) {
        try {
            Map<String, Object> error = Json.object(Json.object(new String(body, StandardCharsets.UTF_8)), "error");
            if (error.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new GraphError(Json.text(error, "code").orElse(null),
                    Json.text(error, "type").orElse(null), Json.text(error, "fbtrace_id").orElse(null),
                    Json.text(error, "title").or(() -> Json.text(error, "error_user_title"))
                            .or(() -> Json.text(error, "message")).orElse(null),
                    Json.text(Json.object(error, "error_data"), "details")
                            .or(() -> Json.text(error, "error_user_msg")).orElse(null)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The {@code messages[0].id} of a successful send, if the body has one. */
    static Optional<String> messageId(byte[] body) {
        try {
            Map<String, Object> root = Json.object(new String(body, StandardCharsets.UTF_8));
            return Json.text(Json.first(root, "messages"), "id").filter(id -> !id.isBlank());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether a body is {@code {"success": true}}, Meta's answer to mark-as-read and typing indicators. */
    static boolean success(byte[] body) {
        try {
            return Boolean.TRUE.equals(Json.object(new String(body, StandardCharsets.UTF_8)).get("success"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The result of a failed call: retryable on 429, 5xx and the {@link #RETRYABLE} codes (with the
     * {@code Retry-After} the answer gave, in seconds or as an HTTP date), otherwise permanent with the Graph error
     * code ({@code http_<status>} when the body is no Graph error).
     */
    static SendResult failure(int status, Optional<String> retryAfter, byte[] body, Instant now) {
        Optional<GraphError> error = parse(body);
        String code = error.map(GraphError::code).orElse(null);
        if (status == 429 || status >= 500 || (code != null && RETRYABLE.contains(code))) {
            String reason = code != null ? code : "http_" + status;
            return new SendResult.Retryable(reason, retryAfter.flatMap(v -> retryAfter(v, now)));
        }
        if (code == null) {
            return new SendResult.Permanent("http_" + status, "the Graph API refused the request (HTTP " + status
                    + ")");
        }
        // Meta's own title and details go to the tenant with the message; the reason, which is logged, stays fixed.
        return new SendResult.Permanent(code, REASONS.getOrDefault(code, "Graph API error " + code + " (HTTP "
                + status + ")"), error.get().title(), error.get().details());
    }

    /** A {@code Retry-After} value: delay-seconds or an HTTP date; empty when unreadable or in the past. */
    static Optional<Duration> retryAfter(String value, Instant now) {
        String v = value.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Optional.of(Duration.between(now, at)) : Optional.empty();
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }
}
