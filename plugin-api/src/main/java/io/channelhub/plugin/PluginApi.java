package io.channelhub.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this contract. The hub compares a plugin's {@code Plugin-Requires} manifest entry (a SemVer
 * range such as {@code >=1.0.0 & <2.0.0}) with {@link #VERSION} and refuses plugins that do not match.
 *
 * <pre>{@code
 * Plugin-Requires: >=1.0.0 & <2.0.0
 * }</pre>
 */
public final class PluginApi {

    /** The SemVer version of the plugin API that this jar implements. */
    public static final String VERSION = load();

    private PluginApi() {
    }

    private static String load() {
        try (InputStream in = PluginApi.class.getResourceAsStream("plugin-api.properties")) {
            if (in == null) {
                throw new IllegalStateException("plugin-api.properties missing from the plugin-api jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
