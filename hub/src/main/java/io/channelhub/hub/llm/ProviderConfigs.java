package io.channelhub.hub.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.channels.SettingsValidator;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.security.SealedValues;
import io.channelhub.hub.security.SecretBox;
import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.SettingsSchema;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** A tenant's own credentials for a model provider, validated against its schema, secrets sealed. */
public class ProviderConfigs {

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final SecretBox secrets;
    private final Clock clock;

    public ProviderConfigs(Jdbi jdbi, ObjectMapper json, SecretBox secrets, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.secrets = secrets;
        this.clock = clock;
    }

    private static String context(String tenantId, String providerId, String setting) {
        return "provider_config:" + tenantId + ":" + providerId + ":" + setting;
    }

    /** The stored document (secrets sealed), if the tenant configured this provider. */
    public Optional<Map<String, Object>> stored(String tenantId, String providerId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT settings FROM provider_configs WHERE tenant_id = :t AND "
                        + "provider_id = :p").bind("t", tenantId).bind("p", providerId).mapTo(String.class).findOne())
                .map(this::read);
    }

    /** Plain values for the provider call. */
    public Map<String, String> open(String tenantId, String providerId) {
        Map<String, String> out = new LinkedHashMap<>();
        stored(tenantId, providerId).ifPresent(m -> m.forEach((k, v) -> {
            String sealed = SealedValues.sealedValue(v);
            out.put(k, sealed != null ? secrets.open(sealed, context(tenantId, providerId, k))
                    : SettingsValidator.asText(v));
        }));
        return out;
    }

    /** Replaces the configuration; a secret sent as the mask (or left out) keeps its stored value. */
    public Map<String, Object> put(String tenantId, String providerId, SettingsSchema schema,
                                   Map<String, Object> input) {
        Map<String, Object> stored = stored(tenantId, providerId).orElse(Map.of());
        Map<String, Object> values = new LinkedHashMap<>();
        Set<String> kept = new HashSet<>();
        for (Map.Entry<String, Object> e : input.entrySet()) {
            boolean secret = schema.find(e.getKey()).map(SettingDefinition::secret).orElse(false);
            if (secret && SealedValues.MASK.equals(e.getValue())) {
                if (SealedValues.sealedValue(stored.get(e.getKey())) != null) {
                    kept.add(e.getKey());
                }
            } else if (e.getValue() != null) {
                values.put(e.getKey(), e.getValue());
            }
        }
        SettingsValidator.Result r = SettingsValidator.validate(schema, values, kept);
        if (!r.ok()) {
            throw ApiException.unprocessable("invalid_settings", "settings do not match the provider's schema",
                    Map.of("errors", r.errors()));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        for (SettingDefinition d : schema.settings()) {
            if (kept.contains(d.name())) {
                doc.put(d.name(), stored.get(d.name()));
            } else if (r.values().containsKey(d.name())) {
                Object v = r.values().get(d.name());
                doc.put(d.name(), d.secret() ? SealedValues.seal(secrets, SettingsValidator.asText(v),
                        context(tenantId, providerId, d.name())) : v);
            }
        }
        String text = write(doc);
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("UPDATE provider_configs SET settings = :s, updated_at = :at WHERE tenant_id = :t "
                    + "AND provider_id = :p").bind("s", text).bind("at", clock.instant()).bind("t", tenantId)
                    .bind("p", providerId).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO provider_configs (tenant_id, provider_id, settings, updated_at) VALUES "
                                + "(:t, :p, :s, :at)").bind("s", text).bind("at", clock.instant())
                        .bind("t", tenantId).bind("p", providerId).execute();
            }
        });
        return SealedValues.masked(doc);
    }

    public boolean delete(String tenantId, String providerId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM provider_configs WHERE tenant_id = :t AND "
                + "provider_id = :p").bind("t", tenantId).bind("p", providerId).execute()) > 0;
    }

    private Map<String, Object> read(String s) {
        try {
            return json.readValue(s, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt provider config", e);
        }
    }

    private String write(Map<String, Object> m) {
        try {
            return json.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
