package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.testing.FakePluginContext;
import io.channelhub.plugin.testing.ScriptedHttp.Sent;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The test kit's context for one WhatsApp number: a complete settings set that a test overrides in part. */
final class WhatsAppContext extends FakePluginContext {

    static final Instant NOW = Instant.parse("2025-06-09T12:00:00Z");
    static final String PHONE_NUMBER_ID = "106540352242922";
    static final String APP_SECRET = "app-secret-1";
    static final String TOKEN = "EAAJB-token";

    WhatsAppContext(String instanceId, Map<String, String> overrides) {
        super("ten_1", "channel-whatsapp", instanceId, "Main number", overlay(defaults(), overrides));
        at(NOW);
    }

    WhatsAppContext() {
        this("inst_1", Map.of());
    }

    static Map<String, String> defaults() {
        Map<String, String> s = new HashMap<>();
        s.put("phone_number_id", PHONE_NUMBER_ID);
        s.put("waba_id", "102290129340398");
        s.put("access_token", TOKEN);
        s.put("app_secret", APP_SECRET);
        s.put("verify_token", "verify-1");
        s.put("graph_api_version", "v23.0");
        s.put("graph_base_url", "https://graph.example.test");
        s.put("messages_per_second", "80");
        s.put("opt_out_keywords", "STOP\nPARAR\nSAIR\nCANCELAR\nUNSUBSCRIBE");
        s.put("opt_in_keywords", "START\nVOLTAR\nSIM");
        s.put("opt_out_reply", "Você não receberá mais promoções.");
        s.put("opt_in_reply", "");
        return s;
    }

    /** A request's JSON body. */
    static Map<String, Object> json(Sent sent) {
        return Json.object(sent.text());
    }
}
