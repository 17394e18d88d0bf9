package io.channelhub.plugins.web;

import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.SettingType;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsException;
import io.channelhub.plugin.SettingsSchema;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** A widget instance's settings: the schema the hub validates and the values the widget's requests use. */
record WidgetSettings(List<String> allowedOrigins, String agent, String title, String greeting, String locale,
                      String theme, String color, String position, String logoUrl, List<String> prechatFields,
                      boolean uploadsEnabled, long uploadMaxBytes, List<String> uploadTypes,
                      boolean identityVerification, String identitySecret, int visitorTokenTtlDays) {

    /** The hub keeps files up to 20 MiB; a widget may allow less. */
    static final long MAX_UPLOAD = io.channelhub.plugin.MediaStore.MAX_BYTES;
    static final String DEFAULT_TYPES = "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain";

    static final Set<String> PRECHAT = Set.of("name", "email", "phone");
    private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?");

    static final SettingsSchema SCHEMA = new SettingsSchema(List.of(
            SettingDefinition.builder("allowed_origins", SettingType.LIST).label("Allowed origins")
                    .help("The exact origins (scheme, host and port, e.g. https://www.example.com) of the pages "
                            + "that may show the widget").required().build(),
            SettingDefinition.builder("agent", SettingType.STRING).label("Agent")
                    .help("The agent (id or slug) that answers; empty: the tenant's default agent").build(),
            SettingDefinition.builder("title", SettingType.STRING).label("Title").defaultValue("Chat").build(),
            SettingDefinition.builder("greeting", SettingType.TEXT).label("Greeting")
                    .help("The first message visitors see").build(),
            SettingDefinition.builder("locale", SettingType.SELECT).label("Language")
                    .options("auto", "pt-BR", "en", "es").defaultValue("auto").build(),
            SettingDefinition.builder("theme", SettingType.SELECT).label("Theme")
                    .options("auto", "light", "dark").defaultValue("auto").build(),
            SettingDefinition.builder("color", SettingType.STRING).label("Accent colour")
                    .help("#rgb or #rrggbb").defaultValue("#0b57d0").build(),
            SettingDefinition.builder("position", SettingType.SELECT).label("Bubble position")
                    .options("right", "left").defaultValue("right").build(),
            SettingDefinition.builder("logo_url", SettingType.URL).label("Logo").build(),
            SettingDefinition.builder("prechat_fields", SettingType.LIST).label("Pre-chat fields")
                    .help("Asked before the first message: name, email, phone").build(),
            SettingDefinition.builder("uploads_enabled", SettingType.BOOLEAN).label("File uploads")
                    .help("Visitors may attach files; the agent reads images, PDFs and text where its model can")
                    .defaultValue("false").build(),
            SettingDefinition.builder("upload_max_bytes", SettingType.INTEGER).label("Largest file (bytes)")
                    .defaultValue("5242880").build(),
            SettingDefinition.builder("upload_types", SettingType.LIST).label("Accepted file types")
                    .help("Media types, e.g. image/png, application/pdf").defaultValue(DEFAULT_TYPES).build(),
            SettingDefinition.builder("identity_verification", SettingType.BOOLEAN).label("Identity verification")
                    .help("Trust a user_id only with user_hash = HMAC-SHA256(identity secret, user_id)")
                    .defaultValue("false").build(),
            SettingDefinition.builder("identity_secret", SettingType.STRING).label("Identity secret")
                    .help("The HMAC key of user_hash; keep it on your server").secret().build(),
            SettingDefinition.builder("visitor_token_ttl_days", SettingType.INTEGER)
                    .label("Anonymous visitor memory (days)").defaultValue("30").build()));

    static WidgetSettings of(Settings s) {
        return new WidgetSettings(s.getList("allowed_origins").stream().map(WidgetSettings::origin).toList(),
                s.get("agent").filter(v -> !v.isBlank()).orElse(null), s.get("title").orElse("Chat"),
                s.get("greeting").orElse(null), s.get("locale").orElse("auto"), s.get("theme").orElse("auto"),
                s.get("color").orElse("#0b57d0"), s.get("position").orElse("right"), s.get("logo_url").orElse(null),
                s.getList("prechat_fields"), s.getBoolean("uploads_enabled").orElse(false),
                s.getLong("upload_max_bytes").orElse(5_242_880L), s.getList("upload_types").stream()
                        .map(t -> t.trim().toLowerCase(java.util.Locale.ROOT)).toList(),
                s.getBoolean("identity_verification").orElse(false),
                s.get("identity_secret").orElse(null), s.getInt("visitor_token_ttl_days").orElse(30));
    }

    /** Cross-field and format checks the schema cannot express. */
    static void validate(Settings s) throws SettingsException {
        Map<String, String> errors = new LinkedHashMap<>();
        for (String o : s.getList("allowed_origins")) {
            if (origin(o) == null) {
                errors.put("allowed_origins", "not an origin (scheme://host[:port], no path): " + o);
            }
        }
        if (s.getList("allowed_origins").isEmpty()) {
            errors.put("allowed_origins", "name at least one origin");
        }
        if (!COLOR.matcher(s.get("color").orElse("#0b57d0")).matches()) {
            errors.put("color", "a colour such as #0b57d0");
        }
        for (String f : s.getList("prechat_fields")) {
            if (!PRECHAT.contains(f)) {
                errors.put("prechat_fields", "fields are name, email and phone");
            }
        }
        if (s.getBoolean("identity_verification").orElse(false)
                && s.get("identity_secret").map(String::isBlank).orElse(true)) {
            errors.put("identity_secret", "required when identity verification is on");
        }
        if (s.get("identity_secret").map(v -> !v.isBlank() && v.length() < 16).orElse(false)) {
            errors.put("identity_secret", "at least 16 characters");
        }
        long max = s.getLong("upload_max_bytes").orElse(5_242_880L);
        if (max < 1 || max > MAX_UPLOAD) {
            errors.put("upload_max_bytes", "1 to " + MAX_UPLOAD);
        }
        for (String t : s.getList("upload_types")) {
            if (!t.trim().matches("[a-zA-Z0-9.+-]+/[a-zA-Z0-9.+-]+")) {
                errors.put("upload_types", "not a media type: " + t);
            }
        }
        int ttl = s.getInt("visitor_token_ttl_days").orElse(30);
        if (ttl < 1 || ttl > 365) {
            errors.put("visitor_token_ttl_days", "1 to 365");
        }
        if (!errors.isEmpty()) {
            throw new SettingsException(errors);
        }
    }

    /** The canonical form of an origin (lower-case scheme and host, default port dropped), or null. */
    static String origin(String value) {
        if (value == null) {
            return null;
        }
        try {
            URI u = new URI(value.trim());
            String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
            if (!("http".equals(scheme) || "https".equals(scheme)) || u.getHost() == null
                    || u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null
                    || !(u.getRawPath() == null || u.getRawPath().isEmpty())) {
                return null;
            }
            int port = u.getPort();
            boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80)
                    || ("https".equals(scheme) && port == 443);
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    boolean allows(String requestOrigin) {
        String o = origin(requestOrigin);
        return o != null && allowedOrigins.contains(o);
    }
}
