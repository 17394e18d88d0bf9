package io.channelhub.hub.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A domain failure reaches a client exactly as the HTTP error it replaces would have. */
class FailureTest {

    @Test
    void everyKindHasItsOwnStatus() {
        Map<HubFailure.Kind, Integer> statuses = new LinkedHashMap<>();
        statuses.put(HubFailure.Kind.FORBIDDEN, ApiException.from(Failure.forbidden("c", "m")).status());
        statuses.put(HubFailure.Kind.NOT_FOUND, ApiException.from(Failure.notFound("agent")).status());
        statuses.put(HubFailure.Kind.CONFLICT, ApiException.from(Failure.conflict("c", "m")).status());
        statuses.put(HubFailure.Kind.INVALID, ApiException.from(Failure.invalid("c", "m", Map.of())).status());
        statuses.put(HubFailure.Kind.LIMIT_REACHED,
                ApiException.from(Failure.limitReached("c", "m", Map.of())).status());
        statuses.put(HubFailure.Kind.UPSTREAM_FAILED,
                ApiException.from(Failure.upstreamFailed("c", "m", Map.of())).status());
        statuses.put(HubFailure.Kind.UNAVAILABLE, ApiException.from(Failure.unavailable("c", "m")).status());
        statuses.put(HubFailure.Kind.UPSTREAM_TIMEOUT,
                ApiException.from(Failure.upstreamTimeout("c", "m", Map.of())).status());

        assertThat(statuses).containsOnlyKeys(HubFailure.Kind.values());
        assertThat(statuses.values()).containsExactly(403, 404, 409, 422, 429, 502, 503, 504);
    }

    @Test
    void codeMessageAndDetailsStayAsTheyAre() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("window_hours", 24L);
        details.put("last_inbound_at", null);
        ApiException e = ApiException.from(Failure.invalid("outside_service_window", "send a template", details));

        assertThat(e.code()).isEqualTo("outside_service_window");
        assertThat(e.getMessage()).isEqualTo("send a template");
        assertThat(e.details()).containsExactly(Map.entry("window_hours", 24L),
                new java.util.AbstractMap.SimpleEntry<>("last_inbound_at", null));
        assertThat(e.headers()).isEmpty();
    }

    @Test
    void notFoundSaysWhatLikeTheHttpError() {
        ApiException mapped = ApiException.from(Failure.notFound("channel instance"));
        ApiException http = ApiException.notFound("channel instance");

        assertThat(mapped.code()).isEqualTo(http.code()).isEqualTo("not_found");
        assertThat(mapped.getMessage()).isEqualTo(http.getMessage()).isEqualTo("channel instance not found");
    }

    @Test
    void aRetryDelayBecomesRetryAfter() {
        ApiException e = ApiException.from(Failure.unavailable("sign_in_busy", "retry in a moment", 1));

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.headers()).containsExactly(Map.entry("Retry-After", "1"));
    }
}
