package io.channelhub.plugins.asaas;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitGateTest {

    private final List<Duration> slept = new ArrayList<>();
    private final RateLimitGate gate = new RateLimitGate(slept::add);
    private final Instant t0 = Instant.parse("2026-11-02T12:00:00Z");

    private static HttpHeaders headers(String remaining, String reset) {
        return HttpHeaders.of(Map.of("RateLimit-Limit", List.of("100"), "RateLimit-Remaining", List.of(remaining),
                "RateLimit-Reset", List.of(reset)), (k, v) -> true);
    }

    @Test
    void doesNotWaitWhileBudgetRemains() throws InterruptedException {
        gate.observe(headers("50", "30"), t0);
        gate.awaitTurn(t0);
        assertThat(slept).isEmpty();
    }

    @Test
    void waitsForTheResetWhenTheBudgetIsSpent() throws InterruptedException {
        gate.observe(headers("0", "30"), t0);
        gate.awaitTurn(t0.plusSeconds(10));
        assertThat(slept).containsExactly(Duration.ofSeconds(20));
    }

    @Test
    void waitsOnlyOnceForOneReset() throws InterruptedException {
        gate.observe(headers("0", "5"), t0);
        gate.awaitTurn(t0);
        gate.awaitTurn(t0);
        assertThat(slept).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void doesNotWaitOnceTheResetHasPassed() throws InterruptedException {
        gate.observe(headers("0", "5"), t0);
        gate.awaitTurn(t0.plusSeconds(6));
        assertThat(slept).isEmpty();
    }

    @Test
    void boundsTheWaitToSixtySeconds() throws InterruptedException {
        gate.observe(headers("0", "43200"), t0);
        gate.awaitTurn(t0);
        assertThat(slept).containsExactly(Duration.ofSeconds(60));
    }

    @Test
    void ignoresMissingOrUnreadableHeaders() throws InterruptedException {
        gate.observe(HttpHeaders.of(Map.of(), (k, v) -> true), t0);
        gate.observe(headers("zero", "30"), t0);
        gate.observe(headers("0", "soon"), t0);
        gate.awaitTurn(t0);
        assertThat(slept).isEmpty();
    }
}
