package io.channelhub.hub.web.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * The demo: a {@code demo} tenant with an agent and a web widget, and a page at {@code /demo} showing it, so a
 * newcomer sees a working chat right after the first start. On in the embedded default, off in production.
 */
public class DemoConfig {

    private boolean enabled;

    /** The origins the demo page is opened from (the widget refuses every other). */
    @NotNull
    private List<String> origins = List.of("http://localhost:8080", "http://127.0.0.1:8080");

    @JsonProperty
    public boolean isEnabled() {
        return enabled;
    }

    @JsonProperty
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @JsonProperty
    public List<String> getOrigins() {
        return origins;
    }

    @JsonProperty
    public void setOrigins(List<String> origins) {
        this.origins = origins;
    }
}
