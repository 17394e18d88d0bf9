package io.channelhub.plugins.whatsapp;

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
import java.util.regex.Pattern;

/** One phone number's settings (docs/channel-whatsapp.md, "Instances"): the schema, its cross-checks and a typed view. */
final class WhatsAppSettings {

    static final String PHONE_NUMBER_ID = "phone_number_id";
    static final String DEFAULT_VERSION = "v23.0";
    static final String DEFAULT_BASE_URL = "https://graph.facebook.com";
    static final double DEFAULT_RATE = 80;
    static final List<String> DEFAULT_OPT_OUT = List.of("STOP", "PARAR", "SAIR", "CANCELAR", "UNSUBSCRIBE");
    static final List<String> DEFAULT_OPT_IN = List.of("START", "VOLTAR", "SIM");
    static final String DEFAULT_OPT_OUT_REPLY = "Pronto, você não receberá mais mensagens promocionais deste número. "
            + "Para voltar a recebê-las, envie VOLTAR.";
    static final String DEFAULT_OPT_IN_REPLY = "Pronto, você voltará a receber mensagens promocionais deste número. "
            + "Para deixar de recebê-las, envie PARAR.";

    private static final Pattern GRAPH_ID = Pattern.compile("[0-9]{1,30}");
    private static final Pattern VERSION = Pattern.compile("v[0-9]{1,3}\\.[0-9]{1,2}");

    static final SettingsSchema SCHEMA = SettingsSchema.of(
            SettingDefinition.builder(PHONE_NUMBER_ID, SettingType.STRING).label("Phone number id")
                    .help("The number's id in the Graph API (WhatsApp Manager, API setup); unique across tenants")
                    .required().build(),
            SettingDefinition.builder("waba_id", SettingType.STRING).label("WhatsApp Business Account id")
                    .help("The account that owns the number and its message templates").required().build(),
            SettingDefinition.builder("access_token", SettingType.STRING).label("Access token")
                    .help("A system-user token with whatsapp_business_messaging and whatsapp_business_management")
                    .required().secret().build(),
            SettingDefinition.builder("app_secret", SettingType.STRING).label("App secret")
                    .help("The Meta app's secret; it signs every webhook (X-Hub-Signature-256)")
                    .required().secret().build(),
            SettingDefinition.builder("verify_token", SettingType.STRING).label("Verify token")
                    .help("What the Meta app's webhook configuration sends in hub.verify_token")
                    .required().secret().build(),
            SettingDefinition.builder("graph_api_version", SettingType.STRING).label("Graph API version")
                    .help("The Graph API version of every call, such as v23.0").defaultValue(DEFAULT_VERSION).build(),
            SettingDefinition.builder("graph_base_url", SettingType.URL).label("Graph API base URL")
                    .help("For a test double or a proxy").defaultValue(DEFAULT_BASE_URL).build(),
            SettingDefinition.builder("agent", SettingType.STRING).label("Agent")
                    .help("The agent (id or slug) that answers; empty: the tenant's default agent").build(),
            SettingDefinition.builder("messages_per_second", SettingType.NUMBER).label("Messages per second")
                    .help("The pace the hub keeps to this number (its Cloud API throughput, 80 by default)")
                    .defaultValue("80").build(),
            SettingDefinition.builder("opt_out_keywords", SettingType.LIST).label("Opt-out keywords")
                    .help("A message that is exactly one of these (any case, trimmed) withdraws marketing consent")
                    .defaultValue(String.join(",", DEFAULT_OPT_OUT)).build(),
            SettingDefinition.builder("opt_in_keywords", SettingType.LIST).label("Opt-in keywords")
                    .help("A message that is exactly one of these (any case, trimmed) grants marketing consent again")
                    .defaultValue(String.join(",", DEFAULT_OPT_IN)).build(),
            SettingDefinition.builder("opt_out_reply", SettingType.TEXT).label("Opt-out reply")
                    .help("Sent after an opt-out; empty: none").defaultValue(DEFAULT_OPT_OUT_REPLY).build(),
            SettingDefinition.builder("opt_in_reply", SettingType.TEXT).label("Opt-in reply")
                    .help("Sent after an opt-in; empty: none").defaultValue(DEFAULT_OPT_IN_REPLY).build());

    private final Settings settings;

    private WhatsAppSettings(Settings settings) {
        this.settings = settings;
    }

    static WhatsAppSettings of(Settings settings) {
        return new WhatsAppSettings(settings);
    }

    /** What the schema cannot say: ids are numeric, the version looks like v23.0, the pace is 1 to 1000. */
    static void validate(Settings s) throws SettingsException {
        Map<String, String> errors = new LinkedHashMap<>();
        for (String id : List.of(PHONE_NUMBER_ID, "waba_id")) {
            s.get(id).filter(v -> !GRAPH_ID.matcher(v).matches())
                    .ifPresent(v -> errors.put(id, "must be the numeric id the Graph API shows"));
        }
        s.get("graph_api_version").filter(v -> !VERSION.matcher(v).matches())
                .ifPresent(v -> errors.put("graph_api_version", "must look like v23.0"));
        s.get("graph_base_url").ifPresent(v -> {
            URI u;
            try {
                u = URI.create(v);
            } catch (IllegalArgumentException e) {
                errors.put("graph_base_url", "must be an absolute http(s) URL");
                return;
            }
            if ((u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
                    || u.getRawQuery() != null || u.getRawFragment() != null) {
                errors.put("graph_base_url", "must be a scheme and host only, such as https://graph.facebook.com");
            }
        });
        s.get("messages_per_second").ifPresent(v -> {
            double rate;
            try {
                rate = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                rate = -1;
            }
            if (!(rate >= 1 && rate <= 1000)) {
                errors.put("messages_per_second", "must be between 1 and 1000");
            }
        });
        for (String list : List.of("opt_out_keywords", "opt_in_keywords")) {
            if (s.getList(list).stream().anyMatch(String::isBlank)) {
                errors.put(list, "keywords must not be blank");
            }
        }
        List<String> out = normalised(s.getList("opt_out_keywords"));
        if (normalised(s.getList("opt_in_keywords")).stream().anyMatch(out::contains)) {
            errors.put("opt_in_keywords", "a keyword cannot both opt out and opt in");
        }
        if (!errors.isEmpty()) {
            throw new SettingsException(errors);
        }
    }

    String phoneNumberId() {
        return settings.require(PHONE_NUMBER_ID);
    }

    String wabaId() {
        return settings.require("waba_id");
    }

    String accessToken() {
        return settings.require("access_token");
    }

    String appSecret() {
        return settings.get("app_secret").orElse("");
    }

    String version() {
        return settings.get("graph_api_version").filter(v -> !v.isBlank()).orElse(DEFAULT_VERSION);
    }

    /** The base URL without a trailing slash. */
    String baseUrl() {
        String b = settings.get("graph_base_url").filter(v -> !v.isBlank()).orElse(DEFAULT_BASE_URL);
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    double messagesPerSecond() {
        try {
            double rate = settings.get("messages_per_second").map(Double::parseDouble).orElse(DEFAULT_RATE);
            return rate > 0 ? rate : DEFAULT_RATE;
        } catch (NumberFormatException e) {
            return DEFAULT_RATE;
        }
    }

    ConsentKeywords keywords() {
        return new ConsentKeywords(
                settings.get("opt_out_keywords").isPresent() ? settings.getList("opt_out_keywords") : DEFAULT_OPT_OUT,
                settings.get("opt_in_keywords").isPresent() ? settings.getList("opt_in_keywords") : DEFAULT_OPT_IN,
                settings.get("opt_out_reply").orElse(DEFAULT_OPT_OUT_REPLY),
                settings.get("opt_in_reply").orElse(DEFAULT_OPT_IN_REPLY));
    }

    static List<String> normalised(List<String> keywords) {
        return keywords.stream().map(k -> k.strip().toUpperCase(Locale.ROOT)).filter(k -> !k.isEmpty()).toList();
    }
}
