package io.channelhub.hub.plugins;

import io.channelhub.hub.support.TestPlugins;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The plugin the live-install tests (and the console's browser test) install, upgrade and remove: a channel of type
 * {@code live} whose inbound answer names its version ({@code live <version>}). With {@code "slow"} in the body it first sets the system property
 * {@code live-channel.busy} (so a test knows the call is running) and takes {@code 1.5 s}.
 */
public final class LivePluginJars {

    public static final String ID = "live-channel";

    private LivePluginJars() {
    }

    /** The jar of {@code version}; {@code throwsOnStart} makes its Plugin.start() throw. */
    public static byte[] jar(String version, boolean throwsOnStart) {
        return jar(version, throwsOnStart, null);
    }

    /** The same, also answering the tool {@code tool} (null: none), which clashes where another plugin has it. */
    public static byte[] jar(String version, boolean throwsOnStart, String tool) {
        String pkg = "live.v" + version.replace('.', '_');
        String channel = "package " + pkg + ";\n"
                + "import io.channelhub.plugin.*;\nimport io.channelhub.plugin.channel.*;\nimport java.util.*;\n"
                + "@org.pf4j.Extension\npublic class LiveChannel implements ChannelConnector {\n"
                + "  public ChannelDescriptor descriptor() {\n"
                + "    return new ChannelDescriptor(\"live\", \"Live channel\", Set.of(), SettingsSchema.of(\n"
                + "        SettingDefinition.builder(\"phone\", SettingType.STRING).required().build()), \"phone\", 10.0);\n"
                + "  }\n"
                + "  public InboundResult handleInbound(InboundRequest r, InboundScope s) {\n"
                + "    if (r.bodyAsString().contains(\"slow\")) {\n"
                + "      System.setProperty(\"live-channel.busy\", \"" + version + "\");\n"
                + "      try { Thread.sleep(1500); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }\n"
                + "    }\n"
                + "    return InboundResult.answerOnly(HttpAnswer.text(200, \"live " + version + "\"));\n"
                + "  }\n"
                + "  public SendResult send(OutboundMessage m, PluginContext c) { return new SendResult.Delivered(\"x\"); }\n"
                + "}\n";
        String plugin = throwsOnStart ? TestPlugins.throwingPlugin(pkg, "LivePlugin")
                : TestPlugins.plainPlugin(pkg, "LivePlugin");
        try {
            Path dir = Files.createTempDirectory("live-plugin");
            TestPlugins.Spec spec = new TestPlugins.Spec(ID).manifest("Plugin-Version", version)
                    .pluginClass(pkg + ".LivePlugin").source(pkg + ".LivePlugin", plugin)
                    .source(pkg + ".LiveChannel", channel);
            if (tool != null) {
                spec.source(pkg + ".LiveTool", "package " + pkg + ";\n@org.pf4j.Extension\npublic class LiveTool "
                        + "implements io.channelhub.plugin.model.ToolHandler {\n"
                        + "  public String toolName() { return \"" + tool + "\"; }\n"
                        + "  public String invoke(String a, io.channelhub.plugin.PluginContext c) { return \"{}\"; }\n}\n");
            }
            Path jar = TestPlugins.build(dir, spec);
            return Files.readAllBytes(jar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
