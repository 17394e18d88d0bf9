package io.channelhub.hub.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.channelhub.hub.support.FakeOpenAi;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.WebhookReceiver;
import io.dropwizard.testing.ConfigOverride;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * One trace across the hub: the incoming traceparent's trace continues in the server span, the model call's span
 * and its outbound traceparent, and the webhook delivery the request caused.
 */
class TracingTest extends HubIntegrationTest {

    private static FakeOpenAi fake;

    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }

    @Override
    protected ConfigOverride[] overrides() {
        try {
            fake = new FakeOpenAi();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ConfigOverride[] {
            ConfigOverride.config("models.openaiBaseUrl", fake.baseUrl()),
            ConfigOverride.config("models.openaiApiKey", "sk-test"),
            ConfigOverride.config("delivery.allowPrivateTargets", "true")};
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    private static String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    @Test
    void anIncomingTraceContinuesThroughModelCallAndWebhook() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        hub.app().tracing().addProcessor(SimpleSpanProcessor.create(spans));
        String t = hub.createTenant(slug("trace"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "trace-agent", "name", "T")), 201);
        String c = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
        try (WebhookReceiver rx = new WebhookReceiver()) {
            TestHub.check(hub.post(key, "/v1/webhooks", Map.of("url", rx.url("/t"), "events",
                    List.of("message.sent"))), 201);
            fake.then(FakeOpenAi.chatReply("traced", 3, 1));
            String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
            String parent = "00f067aa0ba902b7";
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            hub.url("/v1/conversations/" + c + "/messages")))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .header("traceparent", "00-" + trace + "-" + parent + "-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"hi\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(201);
            assertThat(r.headers().firstValue("X-Trace-Id")).hasValue(trace);

            SpanData server = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(trace)
                    && s.getKind() == io.opentelemetry.api.trace.SpanKind.SERVER).findFirst().orElseThrow();
            // Named by the route template, as OpenTelemetry's HTTP conventions ask; the id stays out of it.
            assertThat(server.getName()).isEqualTo("POST /v1/conversations/{conversationId}/messages");
            assertThat(server.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("http.route")))
                    .isEqualTo("/v1/conversations/{conversationId}/messages");
            assertThat(server.getParentSpanId()).isEqualTo(parent);
            SpanData model = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("model openai"))
                    .filter(s -> s.getTraceId().equals(trace)).findFirst().orElseThrow();
            assertThat(model.getParentSpanId()).isEqualTo(server.getSpanId());
            assertThat(header(fake.headers().get(0), "traceparent"))
                    .isEqualTo("00-" + trace + "-" + model.getSpanId() + "-01");

            await().atMost(Duration.ofSeconds(10)).until(() -> !rx.received().isEmpty());
            String delivered = rx.received().get(0).header("traceparent");
            assertThat(delivered).startsWith("00-" + trace + "-");
            await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().stream()
                    .anyMatch(s -> s.getName().equals("outbox deliver webhook") && s.getTraceId().equals(trace)));
        }
    }
}
