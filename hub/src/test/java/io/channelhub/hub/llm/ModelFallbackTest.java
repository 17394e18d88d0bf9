package io.channelhub.hub.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.observability.HubMetrics;
import io.channelhub.hub.observability.Tracing;
import io.channelhub.hub.persistence.TenantCaches;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsSchema;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelProvider;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent's fallback models: they answer when its own model fails with an error another endpoint may not have (a
 * 5xx, a timeout, a rate limit, an open circuit), in order, each attempt its own span and metric; a refused request
 * or refused credentials are the agent's to fix and never fall back.
 */
class ModelFallbackTest {

    private Scripted alpha;
    private Scripted beta;
    private ModelGateway gateway;
    private PrometheusRegistry registry;
    private InMemorySpanExporter spans;

    /** A provider answering from a script and keeping the models it was asked for. */
    private static final class Scripted implements ModelProvider {
        final String id;
        final Deque<Object> script = new ArrayDeque<>();
        final List<String> asked = new CopyOnWriteArrayList<>();

        Scripted(String id) {
            this.id = id;
        }

        Object next(ModelRequest r) throws ModelException {
            asked.add(r.model() + "/" + r.api());
            Object o = script.poll();
            if (o == null) {
                throw new AssertionError(id + " called more often than scripted");
            }
            if (o instanceof ModelException e) {
                throw e;
            }
            return o;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public SettingsSchema settingsSchema() {
            return SettingsSchema.empty();
        }

        @Override
        public ModelReply complete(ModelRequest request, Settings settings) throws ModelException {
            return (ModelReply) next(request);
        }

        @Override
        public ModelStream stream(ModelRequest request, Settings settings) throws ModelException {
            ModelReply r = (ModelReply) next(request);
            return new ModelStream() {
                private boolean sent;

                @Override
                public String nextDelta() {
                    if (sent) {
                        return null;
                    }
                    sent = true;
                    return r.content();
                }

                @Override
                public ModelReply reply() {
                    return r;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @BeforeEach
    void wire() {
        alpha = new Scripted("alpha");
        beta = new Scripted("beta");
        registry = new PrometheusRegistry();
        spans = InMemorySpanExporter.create();
        ModelsConfig config = new ModelsConfig();
        config.setMaxAttempts(2);
        config.setInitialBackoff(io.dropwizard.util.Duration.milliseconds(1));
        config.setMaxBackoff(io.dropwizard.util.Duration.milliseconds(2));
        config.setBreakerMinimumCalls(4);
        config.setBreakerWindow(4);
        ProviderConfigs none = new ProviderConfigs(null, null, null, null, TenantCaches.none()) {
            @Override
            public Map<String, String> open(String tenantId, String providerId) {
                return Map.of();
            }
        };
        Tracing tracing = new Tracing(new Tracing.Factory());
        tracing.addProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(spans));
        gateway = new ModelGateway(Map.of("alpha", alpha, "beta", beta), new PluginPlatform(Path.of("target",
                "no-plugins")), none, config, new HubMetrics(registry, () -> 0), tracing);
    }

    private static ModelRequest request() {
        return new ModelRequest("alpha-large", ModelRequest.Api.RESPONSES, "Be brief.", List.of(ModelMessage.user(
                "Oi")), null, null, null, null, null, null);
    }

    private static ModelReply reply(String model) {
        return new ModelReply("answer from " + model, List.of(), "stop", new ModelReply.Usage(5, 2), model);
    }

    private static ModelException fails(ModelException.Kind kind) {
        return new ModelException(kind, kind.name(), (Duration) null);
    }

    private double fallbacks(String from, String to) {
        return registry.scrape().stream().filter(m -> m.getMetadata().getPrometheusName()
                        .equals("channelhub_model_fallbacks"))
                .flatMap(m -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot) m).getDataPoints().stream())
                .filter(d -> from.equals(d.getLabels().get("provider"))
                        && to.equals(d.getLabels().get("fallback_provider")))
                .mapToDouble(io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot::getValue)
                .sum();
    }

    private static final List<ModelGateway.Fallback> BACKUPS = List.of(
            new ModelGateway.Fallback("beta", "beta-small", ModelRequest.Api.CHAT_COMPLETIONS),
            new ModelGateway.Fallback("alpha", "alpha-small", null));

    @Test
    void aFailingModelIsAnsweredByTheFirstFallbackAfterItsOwnRetries() {
        alpha.script.add(fails(ModelException.Kind.UPSTREAM_ERROR));
        alpha.script.add(fails(ModelException.Kind.UPSTREAM_ERROR));
        beta.script.add(reply("beta-small"));
        ModelReply r = gateway.complete("ten_1", "alpha", request(), BACKUPS);
        assertThat(r.model()).isEqualTo("beta-small");
        assertThat(alpha.asked).containsExactly("alpha-large/RESPONSES", "alpha-large/RESPONSES");
        // The fallback's own model and API; everything else of the request as it was.
        assertThat(beta.asked).containsExactly("beta-small/CHAT_COMPLETIONS");
        assertThat(fallbacks("alpha", "beta")).isEqualTo(1);
        List<SpanData> calls = spans.getFinishedSpanItems();
        assertThat(calls).extracting(SpanData::getName).containsExactly("model alpha", "model beta");
        assertThat(calls.get(1).getAttributes().asMap().toString())
                .contains("channelhub.model.fallback_for=alpha/alpha-large", "gen_ai.request.model=beta-small");
        assertThat(calls.get(0).getAttributes().asMap().toString()).doesNotContain("fallback_for");
    }

    @Test
    void fallbacksAreTriedInOrderUntilOneAnswers() {
        for (ModelException.Kind k : List.of(ModelException.Kind.TIMEOUT, ModelException.Kind.RATE_LIMITED)) {
            alpha.script.add(fails(k));
        }
        beta.script.add(fails(ModelException.Kind.UPSTREAM_ERROR));
        beta.script.add(fails(ModelException.Kind.UPSTREAM_ERROR));
        alpha.script.add(reply("alpha-small"));
        assertThat(gateway.complete("ten_1", "alpha", request(), BACKUPS).model()).isEqualTo("alpha-small");
        assertThat(alpha.asked).containsExactly("alpha-large/RESPONSES", "alpha-large/RESPONSES",
                "alpha-small/RESPONSES");
        assertThat(fallbacks("beta", "alpha")).isEqualTo(1);
    }

    @Test
    void aRefusedRequestOrRefusedCredentialsNeverFallBack() {
        for (ModelException.Kind k : List.of(ModelException.Kind.BAD_REQUEST, ModelException.Kind.AUTHENTICATION)) {
            alpha.script.add(fails(k));
            HubFailure f = catchThrowableOfType(HubFailure.class, () -> gateway.complete("ten_1", "alpha",
                    request(), BACKUPS));
            assertThat(f.code()).isIn("model_rejected_request", "model_auth_failed");
        }
        assertThat(beta.asked).isEmpty();
    }

    @Test
    void whenEveryModelFailsTheAgentsOwnFailureIsTheAnswer() {
        alpha.script.add(fails(ModelException.Kind.RATE_LIMITED));
        alpha.script.add(fails(ModelException.Kind.RATE_LIMITED));
        beta.script.add(fails(ModelException.Kind.AUTHENTICATION));
        alpha.script.add(fails(ModelException.Kind.TIMEOUT));
        alpha.script.add(fails(ModelException.Kind.TIMEOUT));
        HubFailure f = catchThrowableOfType(HubFailure.class, () -> gateway.complete("ten_1", "alpha", request(),
                BACKUPS));
        assertThat(f.code()).isEqualTo("model_rate_limited");
        assertThat(beta.asked).hasSize(1);
    }

    @Test
    void anOpenCircuitGoesStraightToTheFallback() {
        for (int i = 0; i < 2; i++) {
            alpha.script.add(fails(ModelException.Kind.UPSTREAM_ERROR));
            alpha.script.add(fails(ModelException.Kind.UPSTREAM_ERROR));
            catchThrowableOfType(HubFailure.class, () -> gateway.complete("ten_1", "alpha", request()));
        }
        beta.script.add(reply("beta-small"));
        int askedBefore = alpha.asked.size();
        assertThat(gateway.complete("ten_1", "alpha", request(), BACKUPS).model()).isEqualTo("beta-small");
        assertThat(alpha.asked).as("the open circuit kept the call from alpha").hasSize(askedBefore);
    }

    @Test
    void aStreamFallsBackWhenItCannotBeOpened() throws Exception {
        alpha.script.add(fails(ModelException.Kind.UPSTREAM_ERROR));
        alpha.script.add(fails(ModelException.Kind.UPSTREAM_ERROR));
        beta.script.add(reply("beta-small"));
        try (ModelStream s = gateway.stream("ten_1", "alpha", request(), BACKUPS)) {
            assertThat(s.nextDelta()).isEqualTo("answer from beta-small");
            assertThat(s.nextDelta()).isNull();
            assertThat(s.reply().model()).isEqualTo("beta-small");
        }
    }

    @Test
    void noFallbacksBehavesAsBefore() {
        alpha.script.add(fails(ModelException.Kind.UPSTREAM_ERROR));
        alpha.script.add(fails(ModelException.Kind.UPSTREAM_ERROR));
        HubFailure f = catchThrowableOfType(HubFailure.class, () -> gateway.complete("ten_1", "alpha", request()));
        assertThat(f.code()).isEqualTo("model_error");
        assertThat(fallbacks("alpha", "beta")).isZero();
    }
}
