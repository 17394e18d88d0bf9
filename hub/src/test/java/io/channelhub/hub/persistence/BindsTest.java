package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What {@link Binds} sets is what Jdbi's own argument factories (and {@link UtcInstants}) set for the same values,
 * nulls included: a row bound each way reads back the same on both databases, and each finds the other's row.
 */
class BindsTest {

    @ParameterizedTest
    @EnumSource(value = TestDatabase.Kind.class, names = {"H2", "MARIADB"})
    void aRowBoundEitherWayReadsBackTheSame(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Jdbi jdbi = Jdbi.create(db.dataSource());
            UtcInstants.install(jdbi);
            jdbi.useHandle(h -> h.execute("CREATE TABLE binds_probe (way VARCHAR(8), label VARCHAR(40), nothing "
                    + "VARCHAR(40), n BIGINT, no_n BIGINT, at DATETIME(6), no_at DATETIME(6), yes BOOLEAN, no BOOLEAN)"));
            Instant at = Instant.parse("2026-03-08T02:30:15.123456Z");
            String insert = "INSERT INTO binds_probe VALUES (:way, :label, :nothing, :n, :noN, :at, :noAt, :yes, :no)";
            jdbi.useHandle(h -> h.createUpdate(insert).bind("way", "jdbi").bind("label", "olá, ünïcode")
                    .bind("nothing", (String) null).bind("n", 9_007_199_254_740_993L).bind("noN", (Long) null)
                    .bind("at", at).bind("noAt", (Instant) null).bind("yes", true).bind("no", false).execute());
            jdbi.useHandle(h -> h.createUpdate(insert).bind("way", Binds.text("binds"))
                    .bind("label", Binds.text("olá, ünïcode")).bind("nothing", Binds.text(null))
                    .bind("n", Binds.number(9_007_199_254_740_993L)).bind("noN", Binds.number((Long) null))
                    .bind("at", Binds.time(at)).bind("noAt", Binds.time(null)).bind("yes", Binds.flag(true))
                    .bind("no", Binds.flag(false)).execute());

            List<Map<String, Object>> rows = jdbi.withHandle(h -> h.createQuery("SELECT label, nothing, n, no_n, at, "
                    + "no_at, yes, no FROM binds_probe ORDER BY way").mapToMap().list());
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0)).isEqualTo(rows.get(1));
            Instant read = jdbi.withHandle(h -> h.createQuery("SELECT at FROM binds_probe WHERE way = 'binds'")
                    .mapTo(Instant.class).one());
            assertThat(read).isEqualTo(at);
            // Each way's values find the other's row.
            int found = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM binds_probe WHERE way = 'jdbi' AND "
                            + "label = :label AND n = :n AND at = :at AND yes = :yes")
                    .bind("label", Binds.text("olá, ünïcode")).bind("n", Binds.number(9_007_199_254_740_993L))
                    .bind("at", Binds.time(at)).bind("yes", Binds.flag(true)).mapTo(Integer.class).one());
            assertThat(found).isEqualTo(1);
        }
    }
}
