package io.channelhub.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An OCI image tarball taken apart as a container runtime does it: the index's image, its configuration, and its
 * layers unpacked in order into a root; and a process started in that root the way a runtime starts one (its own
 * mount and pid namespaces, the root mounted read-only, a private /proc, the usual /dev nodes, a tmpfs on /tmp, the
 * given volumes, the image's user, the image's environment plus the given one and nothing of the host's).
 */
record OciImage(String name, JsonNode config, Path rootfs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    private static JsonNode blob(Path layout, String digest) throws IOException {
        return JSON.readTree(layout.resolve("blobs/sha256/" + digest.substring("sha256:".length())).toFile());
    }

    static OciImage unpack(Path tar, Path work) throws Exception {
        assertThat(tar).as("the image tarball the build wrote").exists();
        Path layout = Files.createDirectories(work.resolve("oci"));
        run(work, "tar", "-xf", tar.toAbsolutePath().toString(), "-C", layout.toString());
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        String name = index.path("manifests").path(0).path("annotations").path("org.opencontainers.image.ref.name")
                .asText();
        JsonNode manifest = blob(layout, index.path("manifests").path(0).path("digest").asText());
        JsonNode config = blob(layout, manifest.path("config").path("digest").asText()).path("config");
        Path rootfs = Files.createDirectories(work.resolve("rootfs"));
        for (JsonNode layer : manifest.path("layers")) {
            assertThat(layer.path("mediaType").asText()).endsWith("tar+gzip");
            run(work, "tar", "-xzf", layout.resolve("blobs/sha256/" + layer.path("digest").asText().substring(7))
                    .toString(), "-C", rootfs.toString());
        }
        return new OciImage(name, config, rootfs);
    }

    /** The entrypoint and command the image's configuration names, or {@code command} in their place. */
    List<String> command(String... override) {
        List<String> c = new ArrayList<>();
        if (override.length > 0) {
            c.addAll(List.of(override));
        } else {
            config.path("Entrypoint").forEach(a -> c.add(a.asText()));
            config.path("Cmd").forEach(a -> c.add(a.asText()));
        }
        return c;
    }

    /**
     * Starts {@code command} in the image's root. {@code volumes}: a path in the image to a host directory mounted
     * there writable, or to null for a tmpfs owned by the image's user. Output goes to {@code log}.
     */
    Process start(Map<String, String> environment, Map<String, Path> volumes, Path log, List<String> command)
            throws IOException {
        String user = config.path("User").asText();
        String[] ids = user.split(":");
        List<String> steps = new ArrayList<>(List.of(
                "mount --bind \"$R\" \"$R\"", "mount -o remount,bind,ro \"$R\"",
                "mount -t proc proc \"$R/proc\"", "mount -t tmpfs -o mode=755 tmpfs \"$R/dev\"",
                "for d in null zero random urandom; do touch \"$R/dev/$d\" && mount --bind \"/dev/$d\" \"$R/dev/$d\"; done",
                "mount -t tmpfs -o mode=1777 tmpfs \"$R/tmp\""));
        for (Map.Entry<String, Path> v : volumes.entrySet()) {
            String at = "\"$R" + v.getKey() + "\"";
            steps.add(v.getValue() == null ? "mount -t tmpfs -o uid=" + ids[0] + ",gid=" + ids[1] + " tmpfs " + at
                    : "mount --bind \"" + v.getValue() + "\" " + at);
        }
        steps.add("exec env -u R chroot --userspec=" + user + " \"$R\" \"$@\"");
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child", "sh",
                "-c", "cd \"$R\" && " + String.join(" && ", steps), "container"));
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        Map<String, String> image = new LinkedHashMap<>();
        config.path("Env").forEach(e -> {
            String[] kv = e.asText().split("=", 2);
            image.put(kv[0], kv[1]);
        });
        env.putAll(image);
        env.putAll(environment);
        // The host's tools prepare the container (mount, chroot); the image's own come first inside it.
        env.put("PATH", image.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin") + ":/usr/sbin:/sbin");
        env.put("R", rootfs.toString());
        return pb.start();
    }
}
