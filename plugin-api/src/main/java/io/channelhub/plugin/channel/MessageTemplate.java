package io.channelhub.plugin.channel;

/**
 * A pre-approved message template of a channel (WhatsApp), as the channel reports it.
 *
 * <pre>{@code
 * new MessageTemplate("order_update", "pt_BR", "UTILITY", "APPROVED", "[{\"type\":\"BODY\",\"text\":\"Oi {{1}}\"}]")
 * }</pre>
 *
 * @param name           the template's name
 * @param language       its language code ({@code pt_BR})
 * @param category       {@code MARKETING}, {@code UTILITY} or {@code AUTHENTICATION}
 * @param status         {@code APPROVED}, {@code PENDING}, {@code REJECTED}, ...
 * @param componentsJson its components as the channel describes them (JSON array text)
 * @since 1.1.0
 */
public record MessageTemplate(String name, String language, String category, String status,
                              String componentsJson) {
}
