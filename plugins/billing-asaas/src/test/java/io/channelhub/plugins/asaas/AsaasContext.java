package io.channelhub.plugins.asaas;

import io.channelhub.plugin.testing.FakePluginContext;
import io.channelhub.plugin.testing.ScriptedHttp.Sent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The test kit's context for the operator's Asaas gateway configuration, with complete settings to override. */
final class AsaasContext extends FakePluginContext {

    /** 2026-11-02 12:00 UTC, 09:00 in Brasília. */
    static final Instant NOW = Instant.parse("2026-11-02T12:00:00Z");
    static final String API_KEY = "$aact_sandbox_key_1";
    static final String WEBHOOK_TOKEN = "whk-token-1";
    static final String BASE_URL = "https://asaas.example.test/v3";

    AsaasContext(Map<String, String> overrides) {
        super("platform", "billing-asaas", "gw_1", "Asaas", overlay(defaults(), overrides));
        at(NOW);
    }

    AsaasContext() {
        this(Map.of());
    }

    static Map<String, String> defaults() {
        Map<String, String> s = new HashMap<>();
        s.put("api_key", API_KEY);
        s.put("webhook_token", WEBHOOK_TOKEN);
        s.put("environment", "sandbox");
        s.put("base_url", BASE_URL);
        s.put("default_method", "PIX");
        s.put("due_days", "3");
        return s;
    }

    /** A request's JSON body. */
    static Map<String, Object> json(Sent sent) {
        return Json.object(sent.text());
    }

    /** The requests as "METHOD path" lines. */
    List<String> lines() {
        return scriptedHttp().lines();
    }
}
