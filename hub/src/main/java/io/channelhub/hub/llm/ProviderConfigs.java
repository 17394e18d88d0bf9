package io.channelhub.hub.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.settings.SealedSettings;
import io.channelhub.hub.security.SealedValues;
import io.channelhub.hub.security.SecretBox;
import io.channelhub.plugin.SettingsSchema;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** A tenant's own credentials for a model provider, validated against its schema, secrets sealed. */
public class ProviderConfigs {

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final SecretBox secrets;
    private final Clock clock;

    public ProviderConfigs(Jdbi jdbi, ObjectMapper json, SecretBox secrets, Clock clock, io.channelhub.hub.persistence.TenantCaches caches) {
        this.opened = caches.create("providers", (java.util.function.Function<String, String>) k -> k.substring(0, k.indexOf('|')));
        this.jdbi = jdbi;
        this.json = json;
        this.secrets = secrets;
        this.clock = clock;
    }

    private static String context(String tenantId, String providerId, String setting) {
        return "provider_config:" + tenantId + ":" + providerId + ":" + setting;
    }

    /** The stored document (secrets sealed), if the tenant configured this provider. */
    /** Every model call opens the tenant's settings: cached (decrypted) per tenant and provider, evicted on change. */
    private final io.channelhub.hub.persistence.TenantCache<String, Map<String, String>> opened;

    public Optional<Map<String, Object>> stored(String tenantId, String providerId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT settings FROM provider_configs WHERE tenant_id = :t AND "
                        + "provider_id = :p").bind("t", tenantId).bind("p", providerId).mapTo(String.class).findOne())
                .map(this::read);
    }

    /** Plain values for the provider call. */
    public Map<String, String> open(String tenantId, String providerId) {
        return opened.get(tenantId + "|" + providerId, k -> Map.copyOf(openStored(tenantId, providerId)));
    }

    private Map<String, String> openStored(String tenantId, String providerId) {
        return SealedSettings.open(secrets, stored(tenantId, providerId).orElse(Map.of()),
                k -> context(tenantId, providerId, k));
    }

    /** Replaces the configuration; a secret sent as the mask (or left out) keeps its stored value. */
    public Map<String, Object> put(String tenantId, String providerId, SettingsSchema schema,
                                   Map<String, Object> input) {
        Map<String, Object> doc = SealedSettings.merge(secrets, schema, stored(tenantId, providerId).orElse(Map.of()),
                input, k -> context(tenantId, providerId, k));
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
        opened.changed(tenantId);
        return SealedValues.masked(doc);
    }

    public boolean delete(String tenantId, String providerId) {
        boolean deleted = jdbi.withHandle(h -> h.createUpdate("DELETE FROM provider_configs WHERE tenant_id = :t AND "
                + "provider_id = :p").bind("t", tenantId).bind("p", providerId).execute()) > 0;
        opened.changed(tenantId);
        return deleted;
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
