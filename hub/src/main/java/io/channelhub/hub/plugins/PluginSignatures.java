package io.channelhub.hub.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Which plugin jars the hub trusts: those signed (standard JAR signing, as {@code jarsigner} does it) by a certificate
 * whose SHA-256 fingerprint the configuration lists ({@code plugins.trustedSigners}). With the list empty every jar
 * loads, as before signatures; the signer is still reported, so an operator can learn the fingerprints to list.
 * <p>
 * A jar is trusted only when every entry but the signature files is signed, all by one listed certificate, and every
 * entry's content matches its signed digest: a class or an extension index added or changed after signing refuses
 * the whole jar. Only the signer's own certificate counts, never one further up its chain: the JDK verifies the
 * signature with the signer's key but not the chain, so listing a CA would trust anything that names it.
 */
public final class PluginSignatures {

    /** A jar the allowlist refuses, with the reason the admin API shows. */
    public static final class Untrusted extends Exception {
        private static final long serialVersionUID = 1L;

        Untrusted(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Set<String> trusted;

    /** {@code fingerprints}: SHA-256 of signer certificates, hex, with or without colons, any case. */
    public PluginSignatures(Collection<String> fingerprints) {
        Set<String> t = new HashSet<>();
        for (String f : fingerprints) {
            String n = normalise(f);
            if (!n.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("plugins.trustedSigners: '" + f + "' is not a SHA-256 "
                        + "fingerprint (64 hex digits, colons allowed)");
            }
            t.add(n);
        }
        this.trusted = Set.copyOf(t);
    }

    /** Whether unsigned or wrongly signed jars are refused. */
    public boolean enforced() {
        return !trusted.isEmpty();
    }

    private static String normalise(String fingerprint) {
        String s = fingerprint == null ? "" : fingerprint.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("sha256:")) {
            s = s.substring("sha256:".length());
        }
        return s.replace(":", "");
    }

    /** The form the admin API shows and the configuration accepts: {@code sha256:} and lower-case hex. */
    static String display(String hex) {
        return "sha256:" + hex;
    }

    /**
     * The trusted signer of {@code jar} (as {@link #display}); with the allowlist empty, its signer when it has one
     * consistent signer, else null.
     *
     * @throws Untrusted when the allowlist is set and the jar is unsigned, partly signed, tampered with, or signed by
     *                   a certificate not on it
     */
    public String check(Path jar) throws Untrusted {
        try {
            Set<String> signers = signers(jar);
            if (enforced() && classPath(jar)) {
                // The class loader would follow it to jars no signature covers.
                throw new Untrusted("its manifest has a Class-Path, which would load jars outside the signature");
            }
            if (!enforced()) {
                return signers.size() == 1 ? display(signers.iterator().next()) : null;
            }
            for (String s : new TreeSet<>(signers)) {
                if (trusted.contains(s)) {
                    return display(s);
                }
            }
            throw new Untrusted("signed by " + String.join(", ", signers.stream().map(PluginSignatures::display)
                    .sorted().toList()) + ", which plugins.trustedSigners does not list");
        } catch (Untrusted e) {
            if (!enforced()) {
                return null;
            }
            throw e;
        }
    }

    /** The certificates (fingerprints) that signed every entry; refuses unsigned, partly signed or changed jars. */
    private static Set<String> signers(Path jar) throws Untrusted {
        try (JarFile file = new JarFile(jar.toFile(), true)) {
            Set<String> common = null;
            String unsigned = null;
            int entries = 0;
            for (Enumeration<JarEntry> en = file.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                if (e.isDirectory() || isSignatureFile(e.getName())) {
                    continue;
                }
                entries++;
                // Reading the whole entry is what verifies its digest (a SecurityException when it does not match).
                try (InputStream in = file.getInputStream(e)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                CodeSigner[] by = e.getCodeSigners();
                if (by == null || by.length == 0) {
                    unsigned = unsigned == null ? e.getName() : unsigned;
                    continue;
                }
                Set<String> these = new HashSet<>();
                for (CodeSigner s : by) {
                    List<? extends Certificate> chain = s.getSignerCertPath().getCertificates();
                    if (!chain.isEmpty()) {
                        these.add(fingerprint(chain.get(0)));
                    }
                }
                if (common == null) {
                    common = these;
                } else {
                    common.retainAll(these);
                }
            }
            if (common == null) {
                throw new Untrusted(entries == 0 ? "the jar holds nothing to load" : "the jar is not signed");
            }
            if (unsigned != null) {
                throw new Untrusted("the jar is signed, but " + unsigned + " is not (added after signing)");
            }
            if (common.isEmpty()) {
                throw new Untrusted("no one certificate signed every entry of the jar");
            }
            return common;
        } catch (SecurityException e) {
            throw new Untrusted("its contents do not match its signature (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new Untrusted("cannot read the jar: " + e.getMessage());
        }
    }

    private static boolean classPath(Path jar) throws Untrusted {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            return file.getManifest() != null
                    && file.getManifest().getMainAttributes().getValue("Class-Path") != null;
        } catch (IOException e) {
            throw new Untrusted("cannot read the jar: " + e.getMessage());
        }
    }

    /** The manifest and the signature block files: what JAR signing itself writes, and does not sign. */
    private static boolean isSignatureFile(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (!n.startsWith("META-INF/") || n.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        return n.equals("META-INF/MANIFEST.MF") || n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA")
                || n.endsWith(".EC") || n.startsWith("META-INF/SIG-");
    }

    /** SHA-256 of a certificate's encoding, as keytool and openssl print it (without the colons). */
    public static String fingerprint(Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
