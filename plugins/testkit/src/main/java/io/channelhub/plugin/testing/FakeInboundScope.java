package io.channelhub.plugin.testing;

import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The {@link InboundScope} the hub gives {@code handleInbound}, for tests. On an instance route
 * ({@code /hooks/instances/{id}/...}) it names one instance; on the plugin's shared route ({@code /hooks/plugins/{id}/...})
 * it finds instances by the value of the descriptor's routing key, as the hub does. It remembers which contexts it
 * handed out: the hub refuses events bound to any other, and {@link #issued()} lets a test check the same.
 */
public final class FakeInboundScope implements InboundScope {

    private final PluginContext named;
    private final String routingKey;
    private final List<PluginContext> instances;
    private final List<PluginContext> issued = Collections.synchronizedList(new ArrayList<>());

    private FakeInboundScope(PluginContext named, String routingKey, List<PluginContext> instances) {
        this.named = named;
        this.routingKey = routingKey;
        this.instances = List.copyOf(instances);
    }

    /** An instance route's scope: {@code context} is the instance the URL names. */
    public static FakeInboundScope instanceRoute(PluginContext context) {
        return new FakeInboundScope(context, null, List.of(context));
    }

    /** The shared route's scope over these instances, found by their {@code routingKey} setting. */
    public static FakeInboundScope sharedRoute(String routingKey, PluginContext... instances) {
        return new FakeInboundScope(null, routingKey, List.of(instances));
    }

    @Override
    public Optional<PluginContext> instance() {
        return Optional.ofNullable(named).map(this::issue);
    }

    @Override
    public Optional<PluginContext> findInstance(String routingKeyValue) {
        if (routingKey == null || routingKeyValue == null) {
            return Optional.empty();
        }
        return instances.stream().filter(c -> routingKeyValue.equals(c.settings().get(routingKey).orElse(null)))
                .findFirst().map(this::issue);
    }

    @Override
    public boolean anyInstanceHas(String setting, String value) {
        return setting != null && value != null
                && instances.stream().anyMatch(c -> value.equals(c.settings().get(setting).orElse(null)));
    }

    private PluginContext issue(PluginContext c) {
        issued.add(c);
        return c;
    }

    /** The contexts handed to the plugin so far. */
    public List<PluginContext> issued() {
        synchronized (issued) {
            return List.copyOf(issued);
        }
    }

    /** Whether the plugin was handed {@code context} (by identity, as the hub checks). */
    public boolean wasIssued(PluginContext context) {
        synchronized (issued) {
            return issued.stream().anyMatch(c -> c == context);
        }
    }
}
