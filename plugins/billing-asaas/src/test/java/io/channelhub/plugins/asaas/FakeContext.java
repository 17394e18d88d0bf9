package io.channelhub.plugins.asaas;

import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.DocumentStore;
import io.channelhub.plugin.Metering;
import io.channelhub.plugin.OutboundHttp;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.testing.ScriptedHttp;
import io.channelhub.plugin.testing.ScriptedHttp.Sent;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/** A gateway configuration's context for unit tests: scripted HTTP answers, recorded requests, a fixed clock. */
final class FakeContext implements PluginContext {

    /** 2026-11-02 12:00 UTC, 09:00 in Brasília. */
    static final Instant NOW = Instant.parse("2026-11-02T12:00:00Z");
    static final String API_KEY = "$aact_sandbox_key_1";
    static final String WEBHOOK_TOKEN = "whk-token-1";
    static final String BASE_URL = "https://asaas.example.test/v3";

    final Settings settings;
    final ScriptedHttp http = new ScriptedHttp();
    final List<Sent> requests = http.requests();

    FakeContext(Map<String, String> overrides) {
        Map<String, String> s = new HashMap<>(defaults());
        s.putAll(overrides);
        s.values().removeIf(v -> v == null);
        this.settings = new Settings(s);
    }

    FakeContext() {
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

    /** Queues an answer for the next HTTP request. */
    FakeContext answer(int status, String body, Map<String, String> headers) {
        http.answer(status, body, headers);
        return this;
    }

    FakeContext answer(int status, String body) {
        return answer(status, body, Map.of());
    }

    /** The next request fails with an {@link IOException}. */
    FakeContext networkFailure() {
        http.networkFailure();
        return this;
    }

    /** A request's JSON body. */
    static Map<String, Object> json(Sent sent) {
        return Json.object(sent.text());
    }

    List<String> lines() {
        return http.lines();
    }

    @Override
    public String tenantId() {
        return "platform";
    }

    @Override
    public Optional<InstanceInfo> instance() {
        return Optional.of(new InstanceInfo("gw_1", "billing-asaas", "Asaas", settings));
    }

    @Override
    public Conversations conversations() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Contacts contacts() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Metering metering() {
        throw new UnsupportedOperationException("a gateway reports no usage");
    }

    @Override
    public DocumentStore store() {
        throw new UnsupportedOperationException();
    }

    @Override
    public OutboundHttp http() {
        return http;
    }

    @Override
    public Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    @Override
    public Logger logger() {
        return NOPLogger.NOP_LOGGER;
    }


}
