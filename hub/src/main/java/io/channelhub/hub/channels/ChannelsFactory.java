package io.channelhub.hub.channels;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import jakarta.validation.constraints.NotNull;

/** Configuration of the public channel routes ({@code /hooks/...}). */
public class ChannelsFactory {

    /**
     * The largest request body a channel route reads; larger ones get 413 before any plugin code runs. It bounds
     * file uploads too (a plugin sets lower limits per route).
     */
    @NotNull
    private DataSize maxBodySize = DataSize.mebibytes(10);

    @JsonProperty
    public DataSize getMaxBodySize() {
        return maxBodySize;
    }

    @JsonProperty
    public void setMaxBodySize(DataSize maxBodySize) {
        this.maxBodySize = maxBodySize;
    }
}
