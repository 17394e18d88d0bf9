package io.channelhub.hub.channels;

import io.channelhub.hub.settings.SettingsValidator;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.plugins.PluginEnablements;
import io.channelhub.hub.plugins.PluginCallException;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.plugins.PluginState;
import io.channelhub.hub.plugins.PluginStatus;
import io.channelhub.hub.security.SealedValues;
import io.channelhub.hub.security.SecretBox;
import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsException;
import io.channelhub.plugin.SettingsSchema;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Creates, changes and removes channel instances: validates settings against the plugin's schema (and the
 * plugin's own check), seals secrets, and keeps the routing key unique per plugin. Reads go to the database on
 * every call, so a change applies to the next request on every replica without a restart.
 */
public class ChannelInstanceService {

    /** What a secret looks like in every response; sending it back on update keeps the stored value. */
    public static final String MASK = SealedValues.MASK;
    /** The setting by which a channel instance names its agent. */
    public static final String AGENT_SETTING = "agent";

    private final ChannelInstanceRepository repo;
    private final PluginPlatform platform;
    private final PluginEnablements enablements;
    private final SecretBox secrets;
    private final Clock clock;
    private final BiPredicate<String, String> agentExists;

    /**
     * @param agentExists whether a tenant has the agent a setting names (by id or slug): the setting named
     *                    {@value #AGENT_SETTING} of every channel plugin chooses the agent that answers
     */
    public ChannelInstanceService(ChannelInstanceRepository repo, PluginPlatform platform,
                                  PluginEnablements enablements, SecretBox secrets, Clock clock,
                                  BiPredicate<String, String> agentExists) {
        this.repo = repo;
        this.platform = platform;
        this.enablements = enablements;
        this.secrets = secrets;
        this.clock = clock;
        this.agentExists = agentExists;
    }

    public List<ChannelInstance> list(String tenantId, String pluginId) {
        return repo.list(tenantId, pluginId);
    }

    public java.util.Optional<ChannelInstance> find(String tenantId, String id) {
        return repo.find(tenantId, id);
    }

    public ChannelInstance get(String tenantId, String id) {
        return repo.find(tenantId, id).orElseThrow(() -> Failure.notFound("channel instance"));
    }

    public ChannelInstance create(String tenantId, String pluginId, String name, Map<String, Object> settings,
                                  boolean enabled, String ownerPrincipalId) {
        PluginPlatform.LoadedConnector c = usableConnector(tenantId, pluginId);
        String id = Ids.newId("ci");
        Map<String, Object> values = validate(c, tenantId, settings == null ? Map.of() : settings, Set.of(), null);
        String routing = routingValue(c, values);
        if (routing != null && repo.routingTaken(pluginId, routing, null)) {
            throw Failure.conflict("routing_key_taken",
                    "another instance of this plugin already uses this " + c.descriptor().routingKey());
        }
        Instant now = clock.instant();
        ChannelInstance ci = new ChannelInstance(id, tenantId, pluginId, name, routing,
                seal(c.descriptor().settingsSchema(), values, Map.of(), tenantId, id), enabled, ownerPrincipalId, 1,
                now, now);
        try {
            repo.insert(ci);
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            throw routingRace(e, c);
        }
        return ci;
    }

    /**
     * Merges a partial update: a setting present replaces the stored one, null removes it, and a secret that is
     * absent or equal to {@link #MASK} keeps its stored value.
     */
    public ChannelInstance update(ChannelInstance current, String name, Map<String, Object> settingsPatch,
                                  Boolean enabled) {
        PluginPlatform.LoadedConnector c = usableConnector(current.tenantId(), current.pluginId());
        SettingsSchema schema = c.descriptor().settingsSchema();
        Map<String, Object> stored = current.settings();
        Map<String, Object> merged = new HashMap<>();
        Set<String> keptSecrets = new HashSet<>();
        for (SettingDefinition d : schema.settings()) {
            if (d.secret() && sealedValue(stored.get(d.name())) != null) {
                keptSecrets.add(d.name());
            } else if (stored.containsKey(d.name())) {
                merged.put(d.name(), stored.get(d.name()));
            }
        }
        if (settingsPatch != null) {
            for (Map.Entry<String, Object> e : settingsPatch.entrySet()) {
                boolean secret = schema.find(e.getKey()).map(SettingDefinition::secret).orElse(false);
                if (secret && MASK.equals(e.getValue())) {
                    continue;
                }
                if (secret) {
                    keptSecrets.remove(e.getKey());
                }
                if (e.getValue() == null) {
                    merged.remove(e.getKey());
                } else {
                    merged.put(e.getKey(), e.getValue());
                }
            }
        }
        Map<String, Object> values = validate(c, current.tenantId(), merged, keptSecrets, current);
        String routing = routingValue(c, values);
        String routingKey = c.descriptor().routingKey();
        if (routing == null && routingKey != null && keptSecrets.contains(routingKey)) {
            routing = settingsFor(current).get(routingKey).orElse(null);
        }
        if (routing != null && repo.routingTaken(current.pluginId(), routing, current.id())) {
            throw Failure.conflict("routing_key_taken",
                    "another instance of this plugin already uses this " + c.descriptor().routingKey());
        }
        Map<String, Object> keep = new HashMap<>();
        keptSecrets.forEach(k -> keep.put(k, stored.get(k)));
        ChannelInstance next = new ChannelInstance(current.id(), current.tenantId(), current.pluginId(),
                name == null ? current.name() : name, routing,
                seal(schema, values, keep, current.tenantId(), current.id()),
                enabled == null ? current.enabled() : enabled, current.ownerPrincipalId(), current.version() + 1,
                current.createdAt(), clock.instant());
        boolean updated;
        try {
            updated = repo.update(next, current.version());
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            throw routingRace(e, c);
        }
        if (!updated) {
            throw Failure.conflict("concurrent_update", "the instance changed meanwhile; read it and retry");
        }
        return next;
    }

    public void delete(String tenantId, String id) {
        if (!repo.delete(tenantId, id)) {
            throw Failure.notFound("channel instance");
        }
    }

    /**
     * Decrypted settings by instance id, for the version they were opened from. Every webhook needs its instance's
     * settings (the app secret that verifies its signature) and opening each sealed value took 4-5% of a node's CPU
     * at 1,000 webhooks a second; an update bumps the version, so a stale entry is never served. Bounded: past the
     * limit the map starts over.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Opened> opened = new java.util.concurrent.ConcurrentHashMap<>();
    static final int OPENED_LIMIT = 10_000;

    private record Opened(int version, Map<String, Object> stored, Settings settings) {
    }

    /** The decrypted settings a plugin receives for this instance. */
    public Settings settingsFor(ChannelInstance ci) {
        Opened o = opened.get(ci.id());
        // The stored map too: an instance object built from other settings at the same version (a test's, or one
        // read during an update) must not see the cached ones.
        if (o != null && o.version() == ci.version() && o.stored().equals(ci.settings())) {
            return o.settings();
        }
        Settings s = open(ci);
        if (opened.size() >= OPENED_LIMIT) {
            opened.clear();
        }
        opened.put(ci.id(), new Opened(ci.version(), ci.settings(), s));
        return s;
    }

    private Settings open(ChannelInstance ci) {
        Map<String, String> out = new LinkedHashMap<>();
        ci.settings().forEach((k, v) -> {
            String sealed = sealedValue(v);
            out.put(k, sealed != null ? secrets.open(sealed, secretContext(ci.tenantId(), ci.id(), k))
                    : SettingsValidator.asText(v));
        });
        return new Settings(out);
    }

    /** Settings as the API shows them: secrets replaced by the mask. */
    public static Map<String, Object> masked(ChannelInstance ci) {
        return SealedValues.masked(ci.settings());
    }

    static String sealedValue(Object stored) {
        return SealedValues.sealedValue(stored);
    }

    private PluginPlatform.LoadedConnector usableConnector(String tenantId, String pluginId) {
        PluginStatus status = platform.status(pluginId).orElseThrow(() -> Failure.invalid(
                "unknown_plugin", "no plugin " + pluginId + " is installed", Map.of("field", "plugin_id")));
        if (status.state() != PluginState.STARTED) {
            throw Failure.invalid("plugin_unavailable", "plugin " + pluginId + " is "
                    + status.state().wire(), Map.of("field", "plugin_id", "state", status.state().wire()));
        }
        PluginPlatform.LoadedConnector c = platform.connector(pluginId).orElseThrow(() ->
                Failure.invalid("not_a_channel", "plugin " + pluginId + " provides no channel",
                        Map.of("field", "plugin_id")));
        if (!enablements.isEnabled(tenantId, pluginId)) {
            throw Failure.conflict("plugin_disabled", "plugin " + pluginId + " is disabled for this tenant");
        }
        return c;
    }

    /** {@code current} is the stored instance on update (its kept secrets are opened for the plugin's check). */
    private Map<String, Object> validate(PluginPlatform.LoadedConnector c, String tenantId, Map<String, Object> input,
                                         Set<String> keptSecrets, ChannelInstance current) {
        SettingsSchema schema = c.descriptor().settingsSchema();
        SettingsValidator.Result r = SettingsValidator.validate(schema, input, keptSecrets);
        if (!r.ok()) {
            throw Failure.invalid("invalid_settings", "settings do not match the plugin's schema",
                    Map.of("errors", r.errors()));
        }
        // Checked now, in the tenant's own scope: an agent that is not the tenant's would only fail at the first
        // message, long after whoever configured the channel has gone.
        if (r.values().get(AGENT_SETTING) instanceof String agent && !agent.isBlank()
                && !agentExists.test(tenantId, agent)) {
            throw Failure.invalid("invalid_settings", "the agent this channel names does not exist",
                    Map.of("errors", Map.of(AGENT_SETTING, "no agent with this id or slug in this tenant")));
        }
        // The plugin's own check sees the complete settings, including secrets kept from the stored instance.
        Map<String, String> text = new LinkedHashMap<>();
        r.values().forEach((k, v) -> text.put(k, SettingsValidator.asText(v)));
        if (current != null) {
            for (String k : keptSecrets) {
                String sealed = sealedValue(current.settings().get(k));
                if (sealed != null) {
                    text.put(k, secrets.open(sealed, secretContext(current.tenantId(), current.id(), k)));
                }
            }
        }
        try {
            c.connector().validateSettings(new Settings(text));
        } catch (SettingsException e) {
            throw Failure.invalid("invalid_settings", "the plugin rejected the settings",
                    Map.of("errors", e.fieldErrors()));
        } catch (RuntimeException | LinkageError e) {
            throw new PluginCallException(c.pluginId(), "validateSettings", e);
        }
        return r.values();
    }

    private static String routingValue(PluginPlatform.LoadedConnector c, Map<String, Object> values) {
        String key = c.descriptor().routingKey();
        if (key == null || values.get(key) == null) {
            return null;
        }
        String v = SettingsValidator.asText(values.get(key)).trim();
        if (v.length() > 191) {
            throw Failure.invalid("invalid_settings", "routing key value is too long",
                    Map.of("errors", Map.of(key, "longer than 191 characters")));
        }
        return v;
    }

    private Map<String, Object> seal(SettingsSchema schema, Map<String, Object> values, Map<String, Object> keep,
                                     String tenantId, String instanceId) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SettingDefinition d : schema.settings()) {
            if (keep.containsKey(d.name())) {
                out.put(d.name(), keep.get(d.name()));
            } else if (values.containsKey(d.name())) {
                Object v = values.get(d.name());
                out.put(d.name(), d.secret() ? SealedValues.seal(secrets, SettingsValidator.asText(v),
                        secretContext(tenantId, instanceId, d.name())) : v);
            }
        }
        return out;
    }

    /** Two requests raced for the same routing value; the unique constraint decided. */
    private static RuntimeException routingRace(RuntimeException e, PluginPlatform.LoadedConnector c) {
        if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
            return Failure.conflict("routing_key_taken",
                    "another instance of this plugin already uses this " + c.descriptor().routingKey());
        }
        return e;
    }

    static String secretContext(String tenantId, String instanceId, String setting) {
        return "channel_instance:" + tenantId + ":" + instanceId + ":" + setting;
    }
}
