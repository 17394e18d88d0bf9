package io.channelhub.plugins.asaas;

import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.SettingType;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsSchema;
import io.channelhub.plugin.billing.PaymentMethod;

/** The gateway configuration (docs/billing.md, "Gateway configuration"): the schema and a typed view. */
final class AsaasSettings {

    static final String API_KEY = "api_key";
    static final String WEBHOOK_TOKEN = "webhook_token";
    static final String SANDBOX_URL = "https://api-sandbox.asaas.com/v3";
    static final String PRODUCTION_URL = "https://api.asaas.com/v3";
    static final int DEFAULT_DUE_DAYS = 3;

    static final SettingsSchema SCHEMA = SettingsSchema.of(
            SettingDefinition.builder(API_KEY, SettingType.STRING).label("API key")
                    .help("The Asaas account's API key, sent as the access_token header").required().secret().build(),
            SettingDefinition.builder("environment", SettingType.SELECT).label("Environment")
                    .help("sandbox calls " + SANDBOX_URL + ", production calls " + PRODUCTION_URL)
                    .options("sandbox", "production").defaultValue("sandbox").build(),
            SettingDefinition.builder("base_url", SettingType.URL).label("Base URL")
                    .help("Overrides the environment's URL, /v3 included (a test double)").build(),
            SettingDefinition.builder(WEBHOOK_TOKEN, SettingType.STRING).label("Webhook token")
                    .help("The authentication token of the Asaas webhook; Asaas sends it in asaas-access-token")
                    .required().secret().build(),
            SettingDefinition.builder("default_method", SettingType.SELECT).label("Default payment method")
                    .help("The billing type of a charge that names none")
                    .options("PIX", "BOLETO", "CREDIT_CARD", "UNDEFINED").defaultValue("PIX").build(),
            SettingDefinition.builder("due_days", SettingType.INTEGER).label("Due days")
                    .help("Days from the invoice to the due date of a charge that names no due date")
                    .defaultValue(String.valueOf(DEFAULT_DUE_DAYS)).build());

    private final Settings settings;

    private AsaasSettings(Settings settings) {
        this.settings = settings;
    }

    static AsaasSettings of(Settings settings) {
        return new AsaasSettings(settings);
    }

    String apiKey() {
        return settings.get(API_KEY).orElse("");
    }

    String webhookToken() {
        return settings.get(WEBHOOK_TOKEN).orElse("");
    }

    /** base_url when set, else the environment's URL; never with a trailing slash. */
    String baseUrl() {
        String b = settings.get("base_url").filter(v -> !v.isBlank())
                .orElse("production".equals(settings.get("environment").orElse("sandbox")) ? PRODUCTION_URL
                        : SANDBOX_URL);
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    PaymentMethod defaultMethod() {
        try {
            return PaymentMethod.valueOf(settings.get("default_method").orElse("PIX"));
        } catch (IllegalArgumentException e) {
            return PaymentMethod.PIX;
        }
    }

    int dueDays() {
        try {
            return settings.getInt("due_days").filter(d -> d >= 0).orElse(DEFAULT_DUE_DAYS);
        } catch (NumberFormatException e) {
            return DEFAULT_DUE_DAYS;
        }
    }
}
