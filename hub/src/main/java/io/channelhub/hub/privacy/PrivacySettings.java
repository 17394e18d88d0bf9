package io.channelhub.hub.privacy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.plugin.privacy.PrivacyPolicy;
import io.channelhub.plugin.privacy.RetentionDefaults;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jdbi.v3.core.Jdbi;

/**
 * A tenant's privacy rules: the jurisdiction whose policy plugin supplies the PII detectors, retention defaults and
 * request deadline; retention overrides per data category; and redaction of stored messages and model prompts
 * (off, mask, hash or drop), with the tenant's own patterns.
 */
public class PrivacySettings {

    public static final String DEFAULT_JURISDICTION = "BR-LGPD";

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final PluginPlatform plugins;
    private final Clock clock;
    private final String salt;

    /** Redaction: where it applies and the tenant's own patterns. */
    public record Redaction(String messages, String prompts,
                            @JsonProperty("custom_patterns") List<Map<String, String>> customPatterns) {
    }

    /** The settings as stored (and shown). */
    public record Settings(String jurisdiction, Map<String, Integer> retentionDays, Redaction redaction) {
    }

    public PrivacySettings(Jdbi jdbi, ObjectMapper json, PluginPlatform plugins, Clock clock, String salt) {
        this.jdbi = jdbi;
        this.json = json;
        this.plugins = plugins;
        this.clock = clock;
        this.salt = salt;
    }

    /**
     * Settings and the redactor built from them, per tenant, for a few seconds: redaction runs on every stored
     * message and every prompt message, and the settings change rarely. A change on this replica is seen at once;
     * one made on another replica within {@link #CACHE_TTL_NANOS}.
     */
    private record Cached(Settings settings, Redactor redactor, long until) {
    }

    static final long CACHE_TTL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Cached cached(String tenantId) {
        long now = System.nanoTime();
        Cached c = cache.get(tenantId);
        if (c != null && now - c.until() < 0) {
            return c;
        }
        Settings s = load(tenantId);
        Cached fresh = new Cached(s, build(tenantId, s), now + CACHE_TTL_NANOS);
        cache.put(tenantId, fresh);
        return fresh;
    }

    public Settings get(String tenantId) {
        return cached(tenantId).settings();
    }

    private Settings load(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT jurisdiction, retention, redaction FROM privacy_settings WHERE "
                        + "tenant_id = :t").bind("t", tenantId)
                .map((rs, ctx) -> new Settings(rs.getString(1), readRetention(rs.getString(2)),
                        readRedaction(rs.getString(3)))).findOne())
                .orElse(new Settings(DEFAULT_JURISDICTION, Map.of(), new Redaction("off", "off", List.of())));
    }

    public Settings put(String tenantId, String jurisdiction, Map<String, Integer> retentionDays, Redaction redaction) {
        Settings current = load(tenantId);
        String j = jurisdiction == null ? current.jurisdiction() : jurisdiction;
        Map<String, Integer> r = retentionDays == null ? current.retentionDays() : retentionDays;
        Redaction red = redaction == null ? current.redaction() : new Redaction(
                redaction.messages() == null ? current.redaction().messages() : redaction.messages(),
                redaction.prompts() == null ? current.redaction().prompts() : redaction.prompts(),
                redaction.customPatterns() == null ? current.redaction().customPatterns() : redaction.customPatterns());
        Map<String, Object> errors = new LinkedHashMap<>();
        // A new jurisdiction needs its policy plugin; the one in force may stay while its plugin is away.
        if (!j.equals(current.jurisdiction()) && !plugins.privacyPolicies().containsKey(j)) {
            errors.put("jurisdiction", "one of " + plugins.privacyPolicies().keySet());
        }
        r.forEach((k, v) -> {
            if (category(k).isEmpty() || v == null || v < 1 || v > 36500) {
                errors.put("retention_days", "categories " + List.of(RetentionDefaults.DataCategory.values())
                        .stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList() + " with 1 to 36500 days");
            }
        });
        for (String mode : List.of(red.messages(), red.prompts())) {
            if (!List.of("off", "mask", "hash", "drop").contains(mode)) {
                errors.put("redaction", "messages and prompts are off, mask, hash or drop");
            }
        }
        if (red.customPatterns().size() > 20) {
            errors.put("custom_patterns", "at most 20");
        }
        for (Map<String, String> p : red.customPatterns()) {
            if (p == null) {
                errors.put("custom_patterns", "each has a name (lower snake case) and a pattern of at most 300 chars");
                continue;
            }
            String name = p.get("name");
            String regex = p.get("pattern");
            if (name == null || !name.matches("[a-z][a-z0-9_]{0,31}") || regex == null || regex.length() > 300) {
                errors.put("custom_patterns", "each has a name (lower snake case) and a pattern of at most 300 chars");
                continue;
            }
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                errors.put("custom_patterns", "pattern of " + name + " is not a regular expression: "
                        + e.getDescription());
            }
        }
        if (!errors.isEmpty()) {
            throw Failure.invalid("invalid_privacy_settings", "the privacy settings are invalid",
                    Map.of("errors", errors));
        }
        String retention = write(r);
        String redactionText = write(red);
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("UPDATE privacy_settings SET jurisdiction = :j, retention = :r, redaction = :red, "
                            + "updated_at = :now WHERE tenant_id = :t")
                    .bind("j", j).bind("r", retention).bind("red", redactionText).bind("now", clock.instant())
                    .bind("t", tenantId).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO privacy_settings (tenant_id, jurisdiction, retention, redaction, updated_at) "
                                + "VALUES (:t, :j, :r, :red, :now)")
                        .bind("t", tenantId).bind("j", j).bind("r", retention).bind("red", redactionText)
                        .bind("now", clock.instant()).execute();
            }
        });
        cache.remove(tenantId);
        return get(tenantId);
    }

    /** The tenant's policy, when its plugin is running. */
    public Optional<PrivacyPolicy> policy(String tenantId) {
        return Optional.ofNullable(plugins.privacyPolicies().get(get(tenantId).jurisdiction()));
    }

    /** The retention that applies: the tenant's override, else the policy's default; none for a category kept. */
    public Map<RetentionDefaults.DataCategory, Duration> retention(String tenantId) {
        Settings s = get(tenantId);
        Map<RetentionDefaults.DataCategory, Duration> out = new LinkedHashMap<>();
        Optional<PrivacyPolicy> p = policy(tenantId);
        for (RetentionDefaults.DataCategory c : RetentionDefaults.DataCategory.values()) {
            Integer days = s.retentionDays().get(c.name().toLowerCase(Locale.ROOT));
            if (days != null) {
                out.put(c, Duration.ofDays(days));
            } else {
                p.flatMap(x -> x.retentionDefaults().period(c)).ifPresent(d -> out.put(c, d));
            }
        }
        return out;
    }

    /** The tenant's redactor: its policy's detectors and its own patterns. */
    public Redactor redactor(String tenantId) {
        return cached(tenantId).redactor();
    }

    private Redactor build(String tenantId, Settings s) {
        List<Redactor.CustomPattern> custom = new ArrayList<>();
        for (Map<String, String> p : s.redaction().customPatterns()) {
            custom.add(new Redactor.CustomPattern(p.get("name"), Pattern.compile(p.get("pattern"))));
        }
        PrivacyPolicy policy = plugins.privacyPolicies().get(s.jurisdiction());
        return new Redactor(policy == null ? List.of() : policy.detectors(), custom, salt + ":" + tenantId);
    }

    static Redactor.Mode mode(String s) {
        return Redactor.Mode.valueOf(s.toUpperCase(Locale.ROOT));
    }

    static Optional<RetentionDefaults.DataCategory> category(String name) {
        try {
            return Optional.of(RetentionDefaults.DataCategory.valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Map<String, Integer> readRetention(String s) {
        try {
            return json.readValue(s, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Integer>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Redaction readRedaction(String s) {
        try {
            return json.readValue(s, Redaction.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
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
