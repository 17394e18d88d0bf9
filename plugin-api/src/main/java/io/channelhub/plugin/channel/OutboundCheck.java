package io.channelhub.plugin.channel;

import java.util.Map;

/**
 * A channel's verdict on a message before the hub queues it: accepted (with the template's category, so the hub
 * can apply consent to marketing), or refused with a stable code the hub returns to the caller as a 422.
 *
 * <pre>{@code
 * return OutboundCheck.accepted("MARKETING");
 * return OutboundCheck.refused("invalid_template_parameters", "the body needs 2 parameters", Map.of("body", "2"));
 * }</pre>
 *
 * @param accepted whether the message may be queued
 * @param category the template category of an accepted template message, else null
 * @param code     a stable error code when refused
 * @param reason   a human explanation when refused
 * @param details  details of the refusal (field → problem)
 * @since 1.1.0
 */
public record OutboundCheck(boolean accepted, String category, String code, String reason,
                            Map<String, String> details) {

    /** Copies the map. */
    public OutboundCheck {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** Accepted; {@code category} may be null. */
    public static OutboundCheck accepted(String category) {
        return new OutboundCheck(true, category, null, null, Map.of());
    }

    /** Refused with a code the caller sees. */
    public static OutboundCheck refused(String code, String reason, Map<String, String> details) {
        return new OutboundCheck(false, null, code, reason, details);
    }
}
