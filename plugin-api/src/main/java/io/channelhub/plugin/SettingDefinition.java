package io.channelhub.plugin;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One setting a plugin needs per channel instance (or per gateway), declared the way Keycloak providers declare
 * their configuration: name, label, help text, type, required, default and whether it is a secret. Secrets are
 * stored encrypted by the hub and never returned by its API.
 *
 * <pre>{@code
 * SettingDefinition token = SettingDefinition.builder("access_token", SettingType.STRING)
 *         .label("Access token").help("System-user token of the WhatsApp Business account")
 *         .required().secret().build();
 * }</pre>
 *
 * @param name         the key, lower snake case ({@code phone_number_id})
 * @param label        a short human label
 * @param help         help text for an admin form, may be empty
 * @param type         the value type
 * @param required     whether an instance is invalid without it
 * @param defaultValue the value used when none is given, as text (a LIST as comma-separated items); {@code null}
 *                     when there is none
 * @param secret       whether the value is a secret (encrypted at rest, write-only)
 * @param options      the allowed values of a {@link SettingType#SELECT}; empty otherwise
 */
public record SettingDefinition(String name, String label, String help, SettingType type, boolean required,
                                String defaultValue, boolean secret, List<String> options) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /** Validates the definition itself; a plugin with a malformed schema fails to start. */
    public SettingDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("setting name must match " + NAME + ": " + name);
        }
        label = label == null || label.isBlank() ? name : label;
        help = help == null ? "" : help;
        options = options == null ? List.of() : List.copyOf(options);
        if (type == SettingType.SELECT && options.isEmpty()) {
            throw new IllegalArgumentException("SELECT setting " + name + " needs options");
        }
        if (secret && defaultValue != null) {
            throw new IllegalArgumentException("secret setting " + name + " cannot have a default");
        }
        if (defaultValue != null) {
            checkDefault(name, type, defaultValue, options);
        }
    }

    /** A bad default is the plugin author's bug: fail when the plugin starts, not when a tenant saves settings. */
    private static void checkDefault(String name, SettingType type, String value, List<String> options) {
        boolean ok;
        switch (type) {
            case INTEGER:
                ok = value.matches("-?\\d{1,18}");
                break;
            case NUMBER:
                ok = value.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
                break;
            case BOOLEAN:
                ok = value.equals("true") || value.equals("false");
                break;
            case SELECT:
                ok = options.contains(value);
                break;
            case URL:
                ok = value.startsWith("https://") || value.startsWith("http://");
                break;
            default:
                ok = true;
        }
        if (!ok) {
            throw new IllegalArgumentException("default of " + name + " is not a valid " + type + ": " + value);
        }
    }

    /** Starts a definition of the given name and type. */
    public static Builder builder(String name, SettingType type) {
        return new Builder(name, type);
    }

    /** Builds a {@link SettingDefinition}. */
    public static final class Builder {
        private final String name;
        private final SettingType type;
        private String label;
        private String help;
        private boolean required;
        private String defaultValue;
        private boolean secret;
        private List<String> options = List.of();

        private Builder(String name, SettingType type) {
            this.name = name;
            this.type = type;
        }

        /** Sets the human label. */
        public Builder label(String value) {
            this.label = value;
            return this;
        }

        /** Sets the help text. */
        public Builder help(String value) {
            this.help = value;
            return this;
        }

        /** Marks the setting as required. */
        public Builder required() {
            this.required = true;
            return this;
        }

        /** Sets the default, as text in the setting's type. */
        public Builder defaultValue(String value) {
            this.defaultValue = value;
            return this;
        }

        /** Marks the setting as a secret. */
        public Builder secret() {
            this.secret = true;
            return this;
        }

        /** Sets the allowed values of a SELECT. */
        public Builder options(String... values) {
            this.options = List.of(values);
            return this;
        }

        /** Returns the definition. */
        public SettingDefinition build() {
            return new SettingDefinition(name, label, help, type, required, defaultValue, secret, options);
        }
    }
}
