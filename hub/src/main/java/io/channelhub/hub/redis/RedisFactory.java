package io.channelhub.hub.redis;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.util.Duration;
import java.net.URI;
import java.util.Optional;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * Optional Redis (limits, counters, cross-replica events). An empty {@code uri} means no Redis: the hub then uses
 * in-process equivalents, which is right for one replica and the embedded default.
 */
public class RedisFactory {

    private String uri = "";
    private Duration timeout = Duration.seconds(2);
    /** The pub/sub channel on which replicas announce changes to cached rows (API keys, tenants). */
    private String eventsChannel = "chub:events";

    @JsonProperty
    public String getEventsChannel() {
        return eventsChannel;
    }

    @JsonProperty
    public void setEventsChannel(String eventsChannel) {
        this.eventsChannel = eventsChannel;
    }

    @JsonProperty
    public String getUri() {
        return uri;
    }

    @JsonProperty
    public void setUri(String uri) {
        this.uri = uri == null ? "" : uri.trim();
    }

    @JsonProperty
    public Duration getTimeout() {
        return timeout;
    }

    @JsonProperty
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public boolean isConfigured() {
        return !uri.isEmpty();
    }

    /** A pooled client, or empty when Redis is not configured. */
    public Optional<RedisClient> build(io.dropwizard.lifecycle.setup.LifecycleEnvironment lifecycle) {
        if (!isConfigured()) {
            return Optional.empty();
        }
        URI u = URI.create(uri);
        DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder()
                .timeoutMillis((int) timeout.toMilliseconds())
                .ssl("rediss".equals(u.getScheme()));
        if (u.getUserInfo() != null) {
            String[] userPass = u.getUserInfo().split(":", 2);
            if (userPass.length == 2) {
                if (!userPass[0].isEmpty()) {
                    cfg.user(userPass[0]);
                }
                cfg.password(userPass[1]);
            } else {
                cfg.password(userPass[0]);
            }
        }
        String path = u.getPath();
        if (path != null && path.length() > 1) {
            cfg.database(Integer.parseInt(path.substring(1)));
        }
        RedisClient client = RedisClient.builder()
                .hostAndPort(new HostAndPort(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort()))
                .clientConfig(cfg.build())
                .build();
        lifecycle.manage(new Managed() {
            @Override
            public void stop() {
                client.close();
            }
        });
        return Optional.of(client);
    }
}
