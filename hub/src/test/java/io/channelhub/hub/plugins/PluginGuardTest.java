package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelStream;
import io.channelhub.plugin.model.ToolHandler;
import io.opentelemetry.api.OpenTelemetry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Every call into plugin code is measured and bounded, and leaves the calling thread as it found it. */
class PluginGuardTest {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PluginGuard guard = new PluginGuard(OpenTelemetry.noop().getTracer("test"), registry);

    /** A tool whose behaviour the test chooses. */
    private static ToolHandler tool(ThrowingBody body) {
        return new ToolHandler() {
            @Override
            public String toolName() {
                return "t";
            }

            @Override
            public String invoke(String argumentsJson, PluginContext context) throws Exception {
                return body.run();
            }
        };
    }

    @FunctionalInterface
    interface ThrowingBody {
        String run() throws Exception;
    }

    private String scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aCallThatBlocksPastItsTimeoutFailsAsATimeoutAndTheThreadIsNotLeftInterrupted() throws Exception {
        ToolHandler slow = guard.guard(ToolHandler.class, tool(() -> {
            Thread.sleep(10_000);
            return "late";
        }), "slow-plugin", Duration.ofMillis(200));
        long start = System.nanoTime();
        assertThatThrownBy(() -> slow.invoke("{}", null)).isInstanceOf(PluginCallException.class)
                .hasMessageContaining("slow-plugin").hasCauseInstanceOf(TimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(scrape()).contains("channelhub_plugin_call_duration_seconds_count{extension=\"ToolHandler\","
                + "method=\"invoke\",outcome=\"timeout\",plugin=\"slow-plugin\"} 1");
    }

    @Test
    void codeThatIgnoresInterruptsIsStillFailedAsATimeoutWhenItReturns() throws Exception {
        ToolHandler stubborn = guard.guard(ToolHandler.class, tool(() -> {
            long until = System.nanoTime() + Duration.ofMillis(600).toNanos();
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return "done, too late";
        }), "stubborn", Duration.ofMillis(100));
        assertThatThrownBy(() -> stubborn.invoke("{}", null)).isInstanceOf(PluginCallException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void answersAndTheExceptionsOfTheContractPassThroughAndAreCounted() throws Exception {
        ToolHandler ok = guard.guard(ToolHandler.class, tool(() -> "fine"), "p", Duration.ofSeconds(5));
        assertThat(ok.invoke("{}", null)).isEqualTo("fine");
        ToolHandler refusing = guard.guard(ToolHandler.class, tool(() -> {
            throw new IllegalArgumentException("bad arguments");
        }), "p", Duration.ofSeconds(5));
        assertThatThrownBy(() -> refusing.invoke("{}", null)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad arguments");
        String metrics = scrape();
        assertThat(metrics).contains("method=\"invoke\",outcome=\"ok\",plugin=\"p\"} 1")
                .contains("method=\"invoke\",outcome=\"error\",plugin=\"p\"} 1");
        // Guarding twice adds nothing; the plugin's object is found behind its proxy.
        assertThat(guard.guard(ToolHandler.class, ok, "p", Duration.ZERO)).isSameAs(ok);
        assertThat(PluginGuard.unwrap(ok)).isNotSameAs(ok).isInstanceOf(ToolHandler.class);
    }

    @Test
    void aStreamAPluginReturnsIsGuardedToo() {
        ModelStream stalled = new ModelStream() {
            @Override
            public String nextDelta() {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }

            @Override
            public ModelReply reply() {
                return null;
            }

            @Override
            public void close() {
            }
        };
        StreamSource source = () -> stalled;
        StreamSource guarded = guard.guard(StreamSource.class, source, "model-plugin", Duration.ofMillis(200));
        ModelStream s = guarded.open();
        assertThat(s).isNotSameAs(stalled);
        assertThatThrownBy(s::nextDelta).isInstanceOf(PluginCallException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    /** An extension returning a stream, as a model provider does (its own interface keeps the test short). */
    public interface StreamSource {
        ModelStream open();
    }
}
