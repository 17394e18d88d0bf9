package io.channelhub.hub;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The hosts the hub itself connects to, as configured (database, Redis, the operator's model endpoint, the trace
 * collector), and the loopback addresses: what log redaction leaves readable, because an operator reading
 * "connection to [ip]:3306 refused" cannot tell which server failed. Names are not resolved: that would put DNS
 * lookups (and their timeouts) into every start; a configured name stays readable beside the address it went to.
 */
final class InfrastructureHosts {

    private InfrastructureHosts() {
    }

    static Set<String> of(HubConfiguration config) {
        Set<String> hosts = new LinkedHashSet<>(Set.of("127.0.0.1", "::1", "0:0:0:0:0:0:0:1", "localhost"));
        jdbcHosts(config.getDatabase().getUrl(), hosts);
        uriHost(config.getRedis().getUri(), hosts);
        uriHost(config.getModels().getOpenaiBaseUrl(), hosts);
        uriHost(config.getTracing().getOtlpEndpoint(), hosts);
        return hosts;
    }

    /** The hosts of a JDBC URL: {@code jdbc:mariadb://a:3306,b/db?x}; an embedded database has none. */
    static void jdbcHosts(String url, Set<String> into) {
        if (url == null) {
            return;
        }
        int start = url.indexOf("//");
        if (start < 0) {
            return;
        }
        String authority = url.substring(start + 2).split("[/?;]", 2)[0];
        for (String part : authority.split(",")) {
            String host = part.contains("@") ? part.substring(part.lastIndexOf('@') + 1) : part;
            if (host.startsWith("[")) {
                host = host.substring(1, Math.max(1, host.indexOf(']')));
            } else if (host.indexOf(':') >= 0) {
                host = host.substring(0, host.indexOf(':'));
            }
            if (!host.isBlank()) {
                into.add(host.toLowerCase(Locale.ROOT));
            }
        }
    }

    static void uriHost(String uri, Set<String> into) {
        if (uri == null || uri.isBlank()) {
            return;
        }
        try {
            String host = URI.create(uri.trim()).getHost();
            if (host != null) {
                into.add(host.startsWith("[") ? host.substring(1, host.length() - 1) : host.toLowerCase(Locale.ROOT));
            }
        } catch (IllegalArgumentException e) {
            // Not a URI: the component that reads it refuses it with its own error.
        }
    }
}
