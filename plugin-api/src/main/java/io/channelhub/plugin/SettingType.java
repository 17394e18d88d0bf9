package io.channelhub.plugin;

/**
 * The type of a plugin setting; the hub validates values against it and an admin UI picks a widget from it.
 *
 * <pre>{@code
 * SettingDefinition.builder("allowed_origins", SettingType.LIST).required().build();
 * }</pre>
 */
public enum SettingType {
    /** A single line of text. */
    STRING,
    /** Free text that may span lines. */
    TEXT,
    /** A whole number (64-bit). */
    INTEGER,
    /** A decimal number. */
    NUMBER,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** An absolute http(s) URL. */
    URL,
    /** One of {@link SettingDefinition#options()}. */
    SELECT,
    /** A list of strings. */
    LIST
}
