package io.channelhub.hub.llm;

import io.dropwizard.testing.ConfigOverride;
import java.util.Arrays;

/**
 * Every agent turn of {@link ModelCallsTest} (both APIs, streaming, tool calls, retries on 429 after their delay, the
 * circuit breaker on 5xx, timeouts, a client that leaves mid-stream) again with {@code models.client: sdk}: the
 * gateway's retries, breaker and timeouts over the official SDK behave as over the lean client.
 */
class ModelCallsSdkTest extends ModelCallsTest {

    @Override
    protected ConfigOverride[] overrides() {
        ConfigOverride[] lean = super.overrides();
        ConfigOverride[] all = Arrays.copyOf(lean, lean.length + 1);
        all[lean.length] = ConfigOverride.config("models.client", "sdk");
        return all;
    }
}
