package io.channelhub.hub.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.plugins.CorePluginContext;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.plugins.PluginState;
import io.channelhub.hub.settings.SealedSettings;
import io.channelhub.hub.security.SealedValues;
import io.channelhub.hub.security.SecretBox;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.billing.BillingGateway;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The integrator's payment gateway account: which gateway plugin, and its settings (secrets sealed, never shown).
 * One account serves every tenant; calls for a tenant carry a context bound to that tenant, so the plugin's store
 * keeps each tenant's gateway records apart.
 */
public class GatewayAccounts {

    /** The tenant id of calls that concern no tenant (a webhook before its charge is matched). */
    public static final String PLATFORM = "platform";

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final SecretBox secrets;
    private final PluginPlatform plugins;
    private final io.channelhub.hub.plugins.PluginContexts contexts;
    private final Clock clock;

    /** Builds the context of a gateway call (the core's services bound to a tenant). */
    /** The configured account. */
    public record Account(String id, String pluginId, Map<String, Object> stored, Instant updatedAt) {
    }

    /** A usable gateway: the plugin's extension and the account. */
    public record Usable(Account account, BillingGateway gateway, Settings settings) {
    }

    public GatewayAccounts(Jdbi jdbi, ObjectMapper json, SecretBox secrets, PluginPlatform plugins,
                           io.channelhub.hub.plugins.PluginContexts contexts, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.secrets = secrets;
        this.plugins = plugins;
        this.contexts = contexts;
        this.clock = clock;
    }

    public Optional<Account> current() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM billing_gateways ORDER BY created_at LIMIT 1")
                .map((rs, ctx) -> new Account(rs.getString("id"), rs.getString("plugin_id"), read(rs.getString(
                        "settings")), ctx.findColumnMapperFor(Instant.class).orElseThrow()
                        .map(rs, "updated_at", ctx))).findOne());
    }

    public Optional<Account> find(String id) {
        return current().filter(a -> a.id().equals(id));
    }

    /** Sets the account (the first call creates it); settings are checked against the gateway's schema. */
    public Account put(String pluginId, Map<String, Object> input) {
        PluginPlatform.LoadedGateway g = plugins.gateway(pluginId)
                .filter(x -> plugins.status(pluginId).map(s -> s.state() == PluginState.STARTED).orElse(false))
                .orElseThrow(() -> Failure.invalid("unknown_gateway", "no started billing gateway plugin "
                        + pluginId, Map.of("field", "plugin_id")));
        Optional<Account> existing = current();
        String id = existing.map(Account::id).orElseGet(() -> Ids.newId("gw"));
        Map<String, Object> stored = existing.filter(a -> a.pluginId().equals(pluginId)).map(Account::stored)
                .orElse(Map.of());
        Map<String, Object> doc = SealedSettings.merge(secrets, g.descriptor().settingsSchema(), stored,
                input == null ? Map.of() : input, k -> context(id, k));
        Instant now = clock.instant();
        String text = write(doc);
        jdbi.useHandle(h -> {
            if (existing.isPresent()) {
                h.createUpdate("UPDATE billing_gateways SET plugin_id = :p, settings = :s, updated_at = :now WHERE id = "
                        + ":id").bind("p", pluginId).bind("s", text).bind("now", now).bind("id", id).execute();
            } else {
                h.createUpdate("INSERT INTO billing_gateways (id, plugin_id, settings, created_at, updated_at) VALUES "
                        + "(:id, :p, :s, :now, :now)").bind("id", id).bind("p", pluginId).bind("s", text)
                        .bind("now", now).execute();
            }
        });
        return new Account(id, pluginId, doc, now);
    }

    /** The account's settings with secrets masked, for the API. */
    public static Map<String, Object> masked(Account a) {
        return SealedValues.masked(a.stored());
    }

    public Optional<Usable> usable() {
        return current().flatMap(a -> plugins.gateway(a.pluginId())
                .filter(x -> plugins.status(a.pluginId()).map(s -> s.state() == PluginState.STARTED).orElse(false))
                .map(g -> new Usable(a, g.gateway(), new Settings(SealedSettings.open(secrets, a.stored(),
                        k -> context(a.id(), k))))));
    }

    /** The context of a gateway call about {@code tenantId}. */
    public CorePluginContext context(Usable u, String tenantId) {
        return contexts.forAccount(tenantId, u.account().pluginId(), new PluginContext.InstanceInfo(u.account().id(),
                u.account().pluginId(), "billing gateway", u.settings()));
    }

    private static String context(String accountId, String setting) {
        return "billing_gateway:" + accountId + ":" + setting;
    }

    private Map<String, Object> read(String s) {
        try {
            return json.readValue(s, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt gateway settings", e);
        }
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
