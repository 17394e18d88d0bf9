package io.channelhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The hosts log redaction keeps: read from the URLs the hub is configured with. */
class InfrastructureHostsTest {

    @Test
    void readsEveryHostOfAJdbcUrl() {
        Set<String> hosts = new LinkedHashSet<>();
        InfrastructureHosts.jdbcHosts("jdbc:mariadb:replication://DB-1.internal:3306,db-2.internal/channelhub?ssl=1",
                hosts);
        InfrastructureHosts.jdbcHosts("jdbc:mariadb://root:secret@[fd00::12]:3306/x", hosts);
        InfrastructureHosts.jdbcHosts("jdbc:h2:./data/channelhub;MODE=MariaDB", hosts);
        assertThat(hosts).containsExactly("db-1.internal", "db-2.internal", "fd00::12");
    }

    @Test
    void readsTheHostOfRedisModelAndCollectorUris() {
        Set<String> hosts = new LinkedHashSet<>();
        InfrastructureHosts.uriHost("redis://:pw@cache.internal:6379/0", hosts);
        InfrastructureHosts.uriHost("https://api.openai.com/v1", hosts);
        InfrastructureHosts.uriHost("", hosts);
        InfrastructureHosts.uriHost("not a uri", hosts);
        assertThat(hosts).containsExactly("cache.internal", "api.openai.com");
    }
}
