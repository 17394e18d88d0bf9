package io.channelhub.hub.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds real plugin jars from Java source, the way a plugin author's build does: javac with the plugin API and
 * pf4j on the class path (pf4j's annotation processor writes the extension index), then a jar with the manifest.
 */
public final class TestPlugins {

    private TestPlugins() {
    }

    /** A plugin to build. */
    public static final class Spec {
        final Map<String, String> manifest = new LinkedHashMap<>();
        final Map<String, String> sources = new LinkedHashMap<>();

        public Spec(String id) {
            manifest.put("Plugin-Id", id);
            manifest.put("Plugin-Version", "1.0.0");
            manifest.put("Plugin-Provider", "ChannelHub tests");
            manifest.put("Plugin-Requires", ">=1.0.0 & <2.0.0");
        }

        public Spec manifest(String name, String value) {
            if (value == null) {
                manifest.remove(name);
            } else {
                manifest.put(name, value);
            }
            return this;
        }

        /** Adds a source file; {@code className} is fully qualified. */
        public Spec source(String className, String code) {
            sources.put(className, code);
            return this;
        }

        public Spec pluginClass(String className) {
            return manifest("Plugin-Class", className);
        }
    }

    public static Path build(Path pluginsDir, Spec spec) {
        try {
            Path work = Files.createTempDirectory("plugin-src");
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> files = new ArrayList<>();
            for (Map.Entry<String, String> e : spec.sources.entrySet()) {
                Path f = work.resolve("src").resolve(e.getKey().replace('.', '/') + ".java");
                Files.createDirectories(f.getParent());
                Files.writeString(f, e.getValue());
                files.add(f.toString());
            }
            compile(files, classes);
            Files.createDirectories(pluginsDir);
            Path jar = pluginsDir.resolve(spec.manifest.get("Plugin-Id") + "-1.0.0.jar");
            writeJar(jar, classes, spec.manifest);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar's bytes, built in a directory of its own. */
    public static byte[] buildBytes(Spec spec) {
        try {
            return Files.readAllBytes(build(Files.createTempDirectory("plugin-jar"), spec));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void compile(List<String> files, Path classes) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), "--release", "17",
                // Named: javac 23+ runs no processor found on the class path unasked (no extensions.idx, no extensions).
                "-processor", "org.pf4j.processor.ExtensionAnnotationProcessor"));
        args.addAll(files);
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("test plugin did not compile");
        }
    }

    public static void writeJar(Path jar, Path classes, Map<String, String> entries) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        entries.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(p));
                j.closeEntry();
            }
        }
    }

    /** A jar that is not a plugin at all: bytes that are not a zip. */
    public static Path garbage(Path pluginsDir, String name) {
        try {
            Files.createDirectories(pluginsDir);
            Path p = pluginsDir.resolve(name);
            Files.write(p, "this is not a jar".getBytes(StandardCharsets.UTF_8));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Source of a plugin class that does nothing. */
    public static String plainPlugin(String pkg, String cls) {
        return "package " + pkg + ";\npublic class " + cls + " extends org.pf4j.Plugin {}\n";
    }

    /** Source of a plugin class that throws on start. */
    public static String throwingPlugin(String pkg, String cls) {
        return "package " + pkg + ";\npublic class " + cls + " extends org.pf4j.Plugin {\n"
                + "  @Override public void start() { throw new IllegalStateException(\"boom at start\"); }\n}\n";
    }

    /**
     * A channel connector of type {@code type}: settings {@code phone} (required, routing key), {@code token}
     * (required secret), {@code mode} (select a|b, default a), {@code origins} (list), {@code limit} (integer),
     * {@code agent} (the agent that answers).
     */
    public static String channel(String pkg, String cls, String type) {
        return "package " + pkg + ";\n"
                + "import io.channelhub.plugin.*;\nimport io.channelhub.plugin.channel.*;\nimport java.util.*;\n"
                + "@org.pf4j.Extension\npublic class " + cls + " implements ChannelConnector {\n"
                + "  public ChannelDescriptor descriptor() {\n"
                + "    return new ChannelDescriptor(\"" + type + "\", \"Test channel\", Set.of(ChannelCapability.MEDIA),\n"
                + "      SettingsSchema.of(\n"
                + "        SettingDefinition.builder(\"phone\", SettingType.STRING).required().build(),\n"
                + "        SettingDefinition.builder(\"token\", SettingType.STRING).required().secret().build(),\n"
                + "        SettingDefinition.builder(\"mode\", SettingType.SELECT).options(\"a\", \"b\").defaultValue(\"a\").build(),\n"
                + "        SettingDefinition.builder(\"origins\", SettingType.LIST).build(),\n"
                + "        SettingDefinition.builder(\"limit\", SettingType.INTEGER).build(),\n"
                + "        SettingDefinition.builder(\"agent\", SettingType.STRING).build()),\n"
                + "      \"phone\", 80.0);\n"
                + "  }\n"
                + "  public void validateSettings(Settings s) throws SettingsException {\n"
                + "    if (s.get(\"phone\").orElse(\"\").equals(\"explode\")) { throw new IllegalStateException(\"plugin bug\"); }\n"
                + "    if (s.getLong(\"limit\").orElse(0L) < 0) { throw new SettingsException(Map.of(\"limit\", \"must not be negative\")); }\n"
                + "  }\n"
                + "  public InboundResult handleInbound(InboundRequest r, InboundScope s) { return InboundResult.answerOnly(HttpAnswer.status(204)); }\n"
                + "  public SendResult send(OutboundMessage m, PluginContext c) {\n"
                + "    if (m.text() != null && m.text().contains(\"meter-on-send\")) {\n"
                + "      c.metering().record(\"sms.segments\", 1, \"segment\", \"send:\" + m.messageId());\n"
                + "    }\n"
                + "    return new SendResult.Delivered(\"x-\" + m.messageId());\n"
                + "  }\n"
                + "}\n";
    }

    /** A connector whose descriptor() throws. */
    public static String brokenChannel(String pkg, String cls) {
        return "package " + pkg + ";\n"
                + "import io.channelhub.plugin.*;\nimport io.channelhub.plugin.channel.*;\n"
                + "@org.pf4j.Extension\npublic class " + cls + " implements ChannelConnector {\n"
                + "  public ChannelDescriptor descriptor() { throw new UnsupportedOperationException(\"no descriptor\"); }\n"
                + "  public InboundResult handleInbound(InboundRequest r, InboundScope s) { return null; }\n"
                + "  public SendResult send(OutboundMessage m, PluginContext c) { return null; }\n"
                + "}\n";
    }

    /**
     * A plugin with a {@code ToolHandler} for {@code lookup_order}: answers {@code {"id":..,"status":"shipped"}} and
     * meters one {@code tools.lookup_order} call through its context.
     */
    public static Path toolPlugin(Path pluginsDir) {
        String handler = "package test.tools;\n"
                + "@org.pf4j.Extension\npublic class LookupOrder implements io.channelhub.plugin.model.ToolHandler {\n"
                + "  public String toolName() { return \"lookup_order\"; }\n"
                + "  public String invoke(String args, io.channelhub.plugin.PluginContext ctx) {\n"
                + "    String id = args.replaceAll(\".*\\\"id\\\"\\\\s*:\\\\s*\\\"([^\\\"]*)\\\".*\", \"$1\");\n"
                + "    ctx.metering().record(\"tools.lookup_order\", 1, \"call\", id + \":\" + System.nanoTime());\n"
                + "    return \"{\\\"id\\\":\\\"\" + id + \"\\\",\\\"status\\\":\\\"shipped\\\"}\";\n"
                + "  }\n}\n";
        return build(pluginsDir, new Spec("test-tools").pluginClass("test.tools.ToolsPlugin")
                .source("test.tools.ToolsPlugin", plainPlugin("test.tools", "ToolsPlugin"))
                .source("test.tools.LookupOrder", handler));
    }

    /** The standard test channel plugin jar, id {@code test-channel}, channel type {@code test}. */
    public static Path testChannel(Path pluginsDir) {
        return build(pluginsDir, new Spec("test-channel")
                .pluginClass("test.channel.TestChannelPlugin")
                .source("test.channel.TestChannelPlugin", plainPlugin("test.channel", "TestChannelPlugin"))
                .source("test.channel.TestChannel", channel("test.channel", "TestChannel", "test")));
    }

    /**
     * A channel {@code test-sms} (plugin API 1.2) whose inbound route {@code /hooks/instances/{id}/in?id=..&segments=..}
     * meters {@code sms.segments} through its context (key {@code seg:<id>}) and returns the message as an event, or
     * as a JSON chat turn with {@code &turn=1}. A quota refusal is left to the hub, or answered by the plugin itself
     * ({@code 429 {"refused": usage type, "limit": n}}) with {@code &catch=1}.
     */
    public static Path smsChannel(Path pluginsDir) {
        String connector = "package test.sms;\n"
                + "import io.channelhub.plugin.*;\nimport io.channelhub.plugin.channel.*;\nimport java.util.*;\n"
                + "@org.pf4j.Extension\npublic class SmsChannel implements ChannelConnector {\n"
                + "  public ChannelDescriptor descriptor() {\n"
                + "    return new ChannelDescriptor(\"sms\", \"Test SMS\", Set.of(), SettingsSchema.of(), null, 10.0);\n"
                + "  }\n"
                + "  public InboundResult handleInbound(InboundRequest r, InboundScope s) {\n"
                + "    PluginContext ctx = s.instance().orElse(null);\n"
                + "    if (ctx == null) { return InboundResult.answerOnly(HttpAnswer.status(404)); }\n"
                + "    String id = r.queryParam(\"id\").orElse(\"none\");\n"
                + "    long segments = Long.parseLong(r.queryParam(\"segments\").orElse(\"1\"));\n"
                + "    try {\n"
                + "      ctx.metering().record(\"sms.segments\", segments, \"segment\", \"seg:\" + id);\n"
                + "    } catch (QuotaExceededException e) {\n"
                + "      if (r.queryParam(\"catch\").isEmpty()) { throw e; }\n"
                + "      return InboundResult.answerOnly(HttpAnswer.json(429, \"{\\\"refused\\\":\\\"\" + e.usageType()\n"
                + "          + \"\\\",\\\"limit\\\":\" + e.limit() + \"}\"));\n"
                + "    }\n"
                + "    if (r.queryParam(\"later\").isPresent()) {\n"
                + "      long n = Long.parseLong(r.queryParam(\"later\").get());\n"
                + "      Thread t = new Thread(() -> {\n"
                + "        try { Thread.sleep(300); } catch (InterruptedException x) { return; }\n"
                + "        ctx.metering().record(\"sms.segments\", n, \"segment\", \"late:\" + id);\n"
                + "      });\n"
                + "      t.start();\n"
                + "    }\n"
                + "    MessageReceived m = new MessageReceived(id, \"contact-\" + id, null, MessageReceived.Kind.TEXT,\n"
                + "        \"hello \" + id, Map.of(), null);\n"
                + "    InboundResult.BoundEvent e = new InboundResult.BoundEvent(ctx, m);\n"
                + "    if (r.queryParam(\"turn\").isPresent()) {\n"
                + "      return InboundResult.turn(HttpAnswer.status(200), e, new InboundResult.Turn(null, false));\n"
                + "    }\n"
                + "    return InboundResult.accepted(HttpAnswer.status(200), List.of(e));\n"
                + "  }\n"
                + "  public SendResult send(OutboundMessage m, PluginContext c) {\n"
                + "    if (m.text() != null && m.text().contains(\"meter-on-send\")) {\n"
                + "      c.metering().record(\"sms.segments\", 1, \"segment\", \"send:\" + m.messageId());\n"
                + "    }\n"
                + "    return new SendResult.Delivered(\"x-\" + m.messageId());\n"
                + "  }\n"
                + "}\n";
        return build(pluginsDir, new Spec("test-sms").manifest("Plugin-Requires", ">=1.2.0 & <2.0.0")
                .pluginClass("test.sms.SmsPlugin")
                .source("test.sms.SmsPlugin", plainPlugin("test.sms", "SmsPlugin"))
                .source("test.sms.SmsChannel", connector));
    }

    /** Copies a bundled plugin's jar, as the build assembled it, into a hub's plugins directory. */
    public static void copyBundled(Path dir, String id) {
        Path dist = Path.of(System.getProperty("channelhub.dist", "../target/channelhub")).resolve("plugins");
        try (var files = Files.list(dist)) {
            Path jar = files.filter(p -> p.getFileName().toString().startsWith(id + "-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + id + " jar in " + dist + "; run mvn package"));
            Files.copy(jar, dir.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
