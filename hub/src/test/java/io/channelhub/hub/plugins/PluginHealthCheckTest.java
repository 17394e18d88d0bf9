package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestPlugins;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginHealthCheckTest {

    @TempDir
    Path plugins;

    @Test
    void aRequiredPluginThatFailedMakesTheNodeUnhealthyAnOptionalOneDoesNot() {
        TestPlugins.build(plugins, new TestPlugins.Spec("throws").pluginClass("t.T")
                .source("t.T", TestPlugins.throwingPlugin("t", "T")));
        PluginPlatform platform = new PluginPlatform(plugins);
        platform.start();
        try {
            assertThat(new PluginHealthCheck(platform, "throws", true).execute().isHealthy()).isFalse();
            assertThat(new PluginHealthCheck(platform, "throws", false).execute().isHealthy()).isTrue();
            assertThat(new PluginHealthCheck(platform, "missing", true).execute().isHealthy()).isFalse();
            assertThat(new PluginHealthCheck(platform, "missing", false).execute().isHealthy()).isTrue();
        } finally {
            platform.stop();
        }
    }

    @Test
    void stopsEveryStartedPlugin() {
        TestPlugins.testChannel(plugins);
        TestPlugins.build(plugins, new TestPlugins.Spec("second").pluginClass("s.S")
                .source("s.S", TestPlugins.plainPlugin("s", "S")));
        PluginPlatform platform = new PluginPlatform(plugins);
        platform.start();
        assertThat(platform.connector("test-channel")).isPresent();
        platform.stop();
        assertThat(platform.statuses()).allMatch(s -> s.state() == PluginState.STOPPED);
        assertThat(platform.connector("test-channel")).isEmpty();
    }

    @Test
    void explainsAMissingPluginClass() {
        TestPlugins.build(plugins, new TestPlugins.Spec("no-class").pluginClass("nope.Missing")
                .source("x.Y", TestPlugins.plainPlugin("x", "Y")));
        PluginPlatform platform = new PluginPlatform(plugins);
        platform.start();
        try {
            assertThat(platform.status("no-class").orElseThrow().reason()).contains("nope.Missing");
        } finally {
            platform.stop();
        }
    }
}
