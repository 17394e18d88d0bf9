package io.channelhub.hub.web.api;

import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.plugins.PluginStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.SettingsSchema;
import io.channelhub.plugin.channel.ChannelCapability;
import java.util.List;
import java.util.Locale;

/** Wire shapes of the plugin APIs. */
public final class PluginViews {

    private PluginViews() {
    }

    /** The operator's view: state and reason included. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AdminPluginView(String id, String version, String description, String provider, String requires,
                                  String state, String reason, String file, List<PluginStatus.ExtensionInfo> extensions,
                                  ChannelView channel, String signedBy, String source,
                                  java.util.Map<String, List<String>> declares) {
        /**
         * {@code source}: {@code bundled} (the plugins directory) or {@code installed} (the admin API);
         * {@code declares}: what its manifest says it uses (routes, usage types, tools, stores), absent when it
         * declares nothing.
         */
        static AdminPluginView of(PluginStatus s, PluginPlatform platform, String source) {
            return new AdminPluginView(s.id(), s.version(), s.description(), s.provider(), s.requires(),
                    s.state().wire(), s.reason(), s.file(), s.extensions(),
                    platform.connector(s.id()).map(ChannelView::of).orElse(null), s.signedBy(), source,
                    platform.capabilities(s.id()).shown().orElse(null));
        }
    }

    /** A tenant's view: whether it can use the plugin, not why the operator's node failed to start it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TenantPluginView(String id, String version, String description, String state, boolean enabled,
                                   List<PluginStatus.ExtensionInfo> extensions, ChannelView channel) {
    }

    /** What a channel plugin offers and needs. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChannelView(String type, String displayName, List<String> capabilities, String routingKey,
                              List<SettingView> settingsSchema) {
        static ChannelView of(PluginPlatform.LoadedConnector c) {
            var d = c.descriptor();
            return new ChannelView(d.type(), d.displayName(),
                    d.capabilities().stream().map(ChannelCapability::name).map(n -> n.toLowerCase(Locale.ROOT))
                            .sorted().toList(),
                    d.routingKey(), schema(d.settingsSchema()));
        }
    }

    /** One setting of a schema, as an admin form needs it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record SettingView(String name, String label, String help, String type, boolean required,
                              String defaultValue, boolean secret, List<String> options) {
    }

    public static List<SettingView> schema(SettingsSchema s) {
        return s.settings().stream().map((SettingDefinition d) -> new SettingView(d.name(), d.label(), d.help(),
                d.type().name().toLowerCase(Locale.ROOT), d.required(), d.defaultValue(), d.secret(), d.options()))
                .toList();
    }
}
