package io.channelhub.hub.auth;

import io.channelhub.hub.identity.Role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.hub.support.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The first super-admin key: generated and shown once, or taken from configuration; only on an empty database. */
class BootstrapKeyTest {

    private TestDatabase db;
    private ApiKeyService keys;

    @BeforeEach
    void database() throws Exception {
        db = TestDatabase.create(TestDatabase.Kind.H2);
        Jdbi jdbi = db.migratedJdbi();
        keys = new ApiKeyService(new ApiKeyRepository(jdbi), Clock.systemUTC(), Duration.ofHours(1));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void generatesAWorkingKeyOnceOnAnEmptyDatabase() {
        String plaintext = keys.bootstrap("").orElseThrow();
        assertThat(ApiKeyService.isWellFormed(plaintext)).isTrue();
        var v = keys.verify(plaintext);
        assertThat(v).isInstanceOf(ApiKeyService.Verification.Valid.class);
        assertThat(((ApiKeyService.Verification.Valid) v).key().role()).isEqualTo(Role.SUPER_ADMIN);
        assertThat(keys.bootstrap("")).isEmpty();
    }

    @Test
    void installsTheConfiguredKeyWithoutPrintingIt() {
        String configured = "chk_Config01_" + "c".repeat(32);
        assertThat(keys.bootstrap(configured)).contains("");
        assertThat(keys.verify(configured)).isInstanceOf(ApiKeyService.Verification.Valid.class);
    }

    @Test
    void refusesAMalformedConfiguredKey() {
        assertThatThrownBy(() -> keys.bootstrap("letmein")).hasMessageContaining("chk_");
    }
}
