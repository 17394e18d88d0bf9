package io.channelhub.hub.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the master key for secrets at rest comes from. Production sets {@code key} from the environment or a
 * secret store; the embedded default keeps a generated key in {@code keyFile} so it works with nothing to set up.
 */
public class SecretsFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SecretsFactory.class);

    private String key = "";
    private String keyFile = "";
    private List<String> previousKeys = new ArrayList<>();

    @JsonProperty
    public String getKey() {
        return key;
    }

    @JsonProperty
    public void setKey(String key) {
        this.key = key == null ? "" : key.trim();
    }

    @JsonProperty
    public String getKeyFile() {
        return keyFile;
    }

    @JsonProperty
    public void setKeyFile(String keyFile) {
        this.keyFile = keyFile == null ? "" : keyFile.trim();
    }

    @JsonProperty
    public List<String> getPreviousKeys() {
        return previousKeys;
    }

    @JsonProperty
    public void setPreviousKeys(List<String> previousKeys) {
        this.previousKeys = previousKeys == null ? new ArrayList<>() : previousKeys;
    }

    public SecretBox build() {
        byte[] current;
        if (!key.isEmpty()) {
            current = Base64.getDecoder().decode(key);
        } else if (!keyFile.isEmpty()) {
            current = fromFile(Path.of(keyFile));
        } else {
            throw new IllegalStateException("secrets.key or secrets.keyFile must be set");
        }
        List<byte[]> previous = previousKeys.stream().filter(s -> !s.isBlank())
                .map(s -> Base64.getDecoder().decode(s.trim())).toList();
        return new SecretBox(current, previous);
    }

    private static byte[] fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] k = new byte[32];
                new SecureRandom().nextBytes(k);
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                Files.writeString(file, Base64.getEncoder().encodeToString(k), StandardCharsets.US_ASCII);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system; the operator secures the directory
                }
                LOG.warn("Generated a new secrets key in {}; set secrets.key (CHANNELHUB_SECRETS_KEY) in production",
                        file);
                return k;
            }
            return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create secrets key file " + file, e);
        }
    }
}
