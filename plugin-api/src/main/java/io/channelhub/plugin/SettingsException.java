package io.channelhub.plugin;

import java.util.Map;

/**
 * Thrown by a plugin's own cross-field validation of settings; the hub turns it into a 422 with the field errors.
 *
 * <pre>{@code
 * throw new SettingsException(Map.of("allowed_origins", "must not contain a path"));
 * }</pre>
 */
public class SettingsException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Map<String, String> fieldErrors;

    /** An error per setting name. */
    public SettingsException(Map<String, String> fieldErrors) {
        super("invalid settings: " + fieldErrors.keySet());
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    /** Setting name to what is wrong with it. */
    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }
}
