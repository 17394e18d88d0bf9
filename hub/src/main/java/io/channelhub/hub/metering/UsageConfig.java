package io.channelhub.hub.metering;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/** Where the usage of every API request waits for the database (see {@link UsageSpool}) and how it is flushed. */
public class UsageConfig {

    /** A directory on a disk that outlives the process (the hub's data directory, a volume in Kubernetes). */
    @NotEmpty
    private String spoolDirectory = "data/usage-spool";

    /** How long a request's usage row may wait before the background writer commits its batch. */
    @NotNull
    private Duration flushInterval = Duration.milliseconds(100);

    /**
     * How often the spool is forced to the disk. Every row is written to the file before the request is answered,
     * so a crashed process loses nothing; a crashed machine loses at most this much. 0: force on every row.
     */
    @NotNull
    private Duration fsyncInterval = Duration.seconds(1);

    /**
     * Where a spool file is closed and a new one started while the database cannot take rows: a long outage leaves
     * many files of this size, each written in bounded memory once the database is back.
     */
    @NotNull
    // Smaller would start a file (and sync the directory) for every few rows on the request path.
    @io.dropwizard.validation.MinDataSize(value = 1, unit = io.dropwizard.util.DataSizeUnit.KIBIBYTES)
    private DataSize maxSegmentSize = DataSize.mebibytes(16);

    @JsonProperty
    public DataSize getMaxSegmentSize() {
        return maxSegmentSize;
    }

    @JsonProperty
    public void setMaxSegmentSize(DataSize maxSegmentSize) {
        this.maxSegmentSize = maxSegmentSize;
    }

    @JsonProperty
    public String getSpoolDirectory() {
        return spoolDirectory;
    }

    @JsonProperty
    public void setSpoolDirectory(String spoolDirectory) {
        this.spoolDirectory = spoolDirectory;
    }

    @JsonProperty
    public Duration getFlushInterval() {
        return flushInterval;
    }

    @JsonProperty
    public void setFlushInterval(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    @JsonProperty
    public Duration getFsyncInterval() {
        return fsyncInterval;
    }

    @JsonProperty
    public void setFsyncInterval(Duration fsyncInterval) {
        this.fsyncInterval = fsyncInterval;
    }
}
