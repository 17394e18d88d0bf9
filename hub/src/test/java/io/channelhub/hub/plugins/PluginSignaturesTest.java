package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.hub.support.TestPlugins;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signature allowlist on real jars, signed by the JDK's own jarsigner with keys keytool made: a jar signed by a
 * listed certificate is trusted; unsigned, other-signed, tampered, extended and re-manifested jars are refused with
 * their reason; without a list nothing is refused. The bundled plugins, as the build signed them, pass with the
 * build's certificate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginSignaturesTest {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", ".."));
    private static final String PASS = "test-pass";

    @TempDir
    static Path work;

    private Path vendor;
    private Path stranger;
    private String vendorFingerprint;
    private String strangerFingerprint;

    @BeforeAll
    void keys() throws Exception {
        vendor = key("vendor");
        stranger = key("stranger");
        vendorFingerprint = fingerprint(vendor, "vendor");
        strangerFingerprint = fingerprint(stranger, "stranger");
    }

    private Path key(String alias) throws Exception {
        Path store = work.resolve(alias + ".p12");
        run(tool("keytool"), "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-validity", "30", "-dname", "CN=" + alias + ", O=Test",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASS);
        return store;
    }

    private static String fingerprint(Path store, String alias) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASS.toCharArray());
        }
        return PluginSignatures.fingerprint(ks.getCertificate(alias));
    }

    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
    }

    private Path plugin(String id) {
        return TestPlugins.build(work.resolve(id), new TestPlugins.Spec(id).pluginClass("sig.SigPlugin")
                .source("sig.SigPlugin", TestPlugins.plainPlugin("sig", "SigPlugin"))
                .source("sig.SigChannel", TestPlugins.channel("sig", "SigChannel", "sig")));
    }

    private static Path sign(Path jar, Path store, String alias) throws Exception {
        run(tool("jarsigner"), "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASS,
                jar.toString(), alias);
        return jar;
    }

    /** A copy of {@code jar} with each entry's bytes passed through {@code change} (signature files kept as they are). */
    private Path rewrite(Path jar, String name, UnaryOperator<byte[]> change, String addedEntry) throws IOException {
        Path out = jar.resolveSibling("changed-" + jar.getFileName());
        try (JarFile in = new JarFile(jar.toFile(), false);
             OutputStream os = Files.newOutputStream(out); JarOutputStream jos = new JarOutputStream(os)) {
            List<JarEntry> entries = new ArrayList<>(in.stream().toList());
            for (JarEntry e : entries) {
                byte[] bytes;
                try (InputStream is = in.getInputStream(e)) {
                    bytes = is.readAllBytes();
                }
                jos.putNextEntry(new JarEntry(e.getName()));
                jos.write(e.getName().equals(name) ? change.apply(bytes) : bytes);
                jos.closeEntry();
            }
            if (addedEntry != null) {
                jos.putNextEntry(new JarEntry(addedEntry));
                jos.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
                jos.closeEntry();
            }
        }
        return out;
    }

    private PluginSignatures trusting(String... fingerprints) {
        return new PluginSignatures(List.of(fingerprints));
    }

    @Test
    void aJarSignedByAListedCertificateIsTrusted() throws Exception {
        Path jar = sign(plugin("signed"), vendor, "vendor");
        assertThat(trusting(vendorFingerprint).check(jar)).isEqualTo("sha256:" + vendorFingerprint);
        // As keytool prints it: upper case with colons.
        String keytoolStyle = vendorFingerprint.toUpperCase().replaceAll("(..)(?!$)", "$1:");
        assertThat(trusting(strangerFingerprint, keytoolStyle).check(jar)).isEqualTo("sha256:" + vendorFingerprint);
    }

    @Test
    void anUnsignedJarIsRefused() {
        Path jar = plugin("unsigned");
        assertThatThrownBy(() -> trusting(vendorFingerprint).check(jar))
                .isInstanceOf(PluginSignatures.Untrusted.class).hasMessage("the jar is not signed");
    }

    @Test
    void aJarSignedByAnUnlistedCertificateIsRefusedNamingItsSigner() throws Exception {
        Path jar = sign(plugin("stranger"), stranger, "stranger");
        assertThatThrownBy(() -> trusting(vendorFingerprint).check(jar))
                .isInstanceOf(PluginSignatures.Untrusted.class)
                .hasMessage("signed by sha256:" + strangerFingerprint + ", which plugins.trustedSigners does not list");
    }

    @Test
    void aClassChangedAfterSigningIsRefused() throws Exception {
        Path jar = sign(plugin("tampered"), vendor, "vendor");
        Path changed = rewrite(jar, "sig/SigChannel.class", b -> {
            byte[] c = b.clone();
            c[c.length - 1] ^= 1;
            return c;
        }, null);
        assertThatThrownBy(() -> trusting(vendorFingerprint).check(changed))
                .isInstanceOf(PluginSignatures.Untrusted.class)
                .hasMessageStartingWith("its contents do not match its signature");
    }

    @Test
    void aClassAddedAfterSigningIsRefused() throws Exception {
        Path jar = sign(plugin("extended"), vendor, "vendor");
        Path changed = rewrite(jar, "", b -> b, "sig/Injected.class");
        assertThatThrownBy(() -> trusting(vendorFingerprint).check(changed))
                .isInstanceOf(PluginSignatures.Untrusted.class)
                .hasMessage("the jar is signed, but sig/Injected.class is not (added after signing)");
    }

    @Test
    void aManifestChangedAfterSigningIsRefused() throws Exception {
        Path jar = sign(plugin("remanifested"), vendor, "vendor");
        Path changed = rewrite(jar, "META-INF/MANIFEST.MF", b -> new String(b, StandardCharsets.UTF_8)
                .replace(">=1.0.0 & <2.0.0", ">=0.0.1").getBytes(StandardCharsets.UTF_8), null);
        assertThatThrownBy(() -> trusting(vendorFingerprint).check(changed))
                .isInstanceOf(PluginSignatures.Untrusted.class)
                .hasMessageStartingWith("its contents do not match its signature");
    }

    @Test
    void aSignedJarWithAClassPathIsRefused() throws Exception {
        Path jar = sign(TestPlugins.build(work.resolve("classpath"), new TestPlugins.Spec("classpath")
                .manifest("Class-Path", "lib/unsigned.jar").pluginClass("sig.SigPlugin")
                .source("sig.SigPlugin", TestPlugins.plainPlugin("sig", "SigPlugin"))), vendor, "vendor");
        assertThatThrownBy(() -> trusting(vendorFingerprint).check(jar))
                .isInstanceOf(PluginSignatures.Untrusted.class).hasMessageContaining("Class-Path");
    }

    @Test
    void withoutAListNothingIsRefusedAndTheSignerIsStillReported() throws Exception {
        PluginSignatures open = trusting();
        assertThat(open.enforced()).isFalse();
        assertThat(open.check(plugin("open-unsigned"))).isNull();
        assertThat(open.check(sign(plugin("open-signed"), stranger, "stranger")))
                .isEqualTo("sha256:" + strangerFingerprint);
    }

    @Test
    void aListEntryThatIsNotAFingerprintStopsTheHubFromStarting() {
        assertThatThrownBy(() -> trusting("not-a-fingerprint")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plugins.trustedSigners").hasMessageContaining("not-a-fingerprint");
    }

    @Test
    void theBundledPluginsAreSignedByTheBuild() throws Exception {
        String build = developmentFingerprint();
        PluginSignatures signatures = trusting(build);
        List<Path> jars;
        try (Stream<Path> s = Files.list(ROOT.resolve("target/channelhub/plugins"))) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        assertThat(jars).hasSizeGreaterThanOrEqualTo(5);
        for (Path jar : jars) {
            assertThat(signatures.check(jar)).as(jar.getFileName().toString()).isEqualTo("sha256:" + build);
        }
    }

    /**
     * The certificate of the key the build signed the bundled plugins with: a release's, or the development key a
     * checkout's first build made.
     */
    static String developmentFingerprint() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        Path store = Path.of(System.getProperty("channelhub.signing.keystore",
                ROOT.resolve("target/plugin-signing/development.p12").toString()));
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, System.getProperty("channelhub.signing.storepass", "development-only").toCharArray());
        }
        return PluginSignatures.fingerprint(ks.getCertificate(System.getProperty("channelhub.signing.alias",
                "channelhub-development")));
    }
}
