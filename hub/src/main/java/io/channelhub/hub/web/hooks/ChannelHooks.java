package io.channelhub.hub.web.hooks;

import io.channelhub.hub.channels.ChannelContexts;
import io.channelhub.hub.channels.ChannelInstance;
import io.channelhub.hub.channels.ChannelInstanceRepository;
import io.channelhub.hub.channels.ChannelInstanceService;
import io.channelhub.hub.channels.InboundEvents;
import io.channelhub.hub.channels.InboundProcessor;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.plugins.CorePluginContext;
import io.channelhub.hub.plugins.PluginCallException;
import io.channelhub.hub.plugins.PluginEnablements;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.plugins.PluginState;
import io.channelhub.hub.tenancy.TenantRepository;
import io.channelhub.hub.tenancy.TenantStatus;
import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.channel.MessageReceived;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the public routes of channel plugins do, whichever HTTP layer received the request (Jersey's
 * {@link ChannelHooksResource}, or {@link WebhookFilter} for the webhooks that arrive in bulk).
 * {@code /hooks/instances/{instanceId}/...} belongs to one channel instance (a widget);
 * {@code /hooks/plugins/{pluginId}/...} is shared by every tenant of a plugin (one WhatsApp webhook URL for a Meta app,
 * the widget's script). The hub limits the body, finds the instance, hands the raw request to the plugin, stores the
 * events it parsed (de-duplicated) and only then writes the plugin's answer.
 */
public class ChannelHooks {

    /**
     * One request as the hub received it.
     *
     * @param path          below the instance's or plugin's route ({@code ""} or {@code /...})
     * @param headers       its headers
     * @param query         its query parameters, decoded
     * @param body          its body, or null
     * @param remoteAddress the client's address
     * @param origin        the hub's own origin as the request addressed it (see {@link PluginHttp#origin})
     * @param arrivedNanos  when the server began reading it (System.nanoTime's clock)
     */
    public record HookRequest(String path, Map<String, List<String>> headers, Map<String, List<String>> query,
                              InputStream body, String remoteAddress, String origin, long arrivedNanos) {

        InboundRequest inbound(String method, long maxBodyBytes) {
            return PluginHttp.request(method, path, headers, query, body, remoteAddress, origin, maxBodyBytes);
        }
    }

    private final PluginPlatform plugins;
    private final ChannelInstanceRepository instances;
    private final ChannelInstanceService instanceService;
    private final PluginEnablements enablements;
    private final TenantRepository tenants;
    /** Tenants read through authentication's cache (evicted when a tenant changes, on every replica). */
    private final io.channelhub.hub.auth.CredentialCache credentials;
    private final InboundEvents events;
    private final ChannelTurns turns;
    private final ChannelContexts contexts;
    private final InboundProcessor processor;
    private final long maxBodyBytes;

    public ChannelHooks(PluginPlatform plugins, ChannelInstanceRepository instances,
                        ChannelInstanceService instanceService, PluginEnablements enablements,
                        TenantRepository tenants, InboundEvents events, ChannelTurns turns,
                        ChannelContexts contexts, InboundProcessor processor, long maxBodyBytes,
                        io.channelhub.hub.auth.CredentialCache credentials) {
        this.credentials = credentials;
        this.plugins = plugins;
        this.instances = instances;
        this.instanceService = instanceService;
        this.enablements = enablements;
        this.tenants = tenants;
        this.events = events;
        this.turns = turns;
        this.contexts = contexts;
        this.processor = processor;
        this.maxBodyBytes = maxBodyBytes;
    }

    private java.util.Optional<io.channelhub.hub.tenancy.Tenant> tenant(String id) {
        return credentials.tenant(id, tenants::find);
    }

    /** A request to {@code /hooks/instances/{id}{path}}. */
    public Response instance(String method, String id, HookRequest hook) {
        String path = hook.path();
        ChannelInstance ci = instances.findForRoute(id).filter(this::serving)
                .orElseThrow(() -> new ApiException(404, "channel_not_found", "no such channel instance"));
        PluginPlatform.LoadedConnector connector = plugins.connector(ci.pluginId())
                .filter(c -> running(ci.pluginId())).orElse(null);
        if (connector == null) {
            // The instance is on, its plugin is not running here (being upgraded, or disabled by the operator):
            // nothing was stored, so the sender should try again; webhook senders do on a 503.
            throw new ApiException(503, "plugin_unavailable", "the channel's plugin is not running; try again",
                    Map.of("retry_after_seconds", 10)).withHeader("Retry-After", "10");
        }
        declared(ci.pluginId(), path);
        Request r = new Request(connector);
        r.named = r.issue(ci);
        return dispatch(r, hook.inbound(method, maxBodyBytes), hook.arrivedNanos());
    }

    /** A request to {@code /hooks/plugins/{pluginId}{path}}. */
    public Response shared(String method, String pluginId, HookRequest hook) {
        String path = hook.path();
        PluginPlatform.LoadedConnector connector = plugins.connector(pluginId)
                .filter(c -> plugins.status(c.pluginId()).map(s -> s.state() == PluginState.STARTED).orElse(false))
                .orElseThrow(() -> new ApiException(404, "channel_not_found", "no such channel plugin"));
        declared(pluginId, path);
        return dispatch(new Request(connector), hook.inbound(method, maxBodyBytes), hook.arrivedNanos());
    }

    /**
     * An instance serves public traffic only while it and its tenant are on and the tenant uses its plugin; whether
     * the plugin runs on this node is asked apart ({@link #running}).
     */
    private boolean serving(ChannelInstance ci) {
        return ci.enabled()
                && tenant(ci.tenantId()).map(t -> t.status() == TenantStatus.ACTIVE).orElse(false)
                && enablements.isEnabled(ci.tenantId(), ci.pluginId());
    }

    /** A route the plugin's manifest does not declare is not the plugin's: refused before any plugin code runs. */
    private void declared(String pluginId, String path) {
        if (!plugins.capabilities(pluginId).allowsRoute(path)) {
            throw new ApiException(404, "route_not_declared", "the channel's plugin declares no such route");
        }
    }

    private boolean running(String pluginId) {
        return plugins.status(pluginId).map(s -> s.state() == PluginState.STARTED).orElse(false);
    }

    private Response dispatch(Request r, InboundRequest request, long arrived) {
        String pluginId = r.connector.pluginId();
        org.slf4j.MDC.put("plugin", pluginId);
        // Acknowledgements first: stored-event processing on this node defers to this request until it answers, and
        // yields more of the CPU when acknowledgements take long, counted from the request's arrival on the socket
        // (waiting for a thread is what a busy node adds).
        processor.ackStarted();
        boolean acknowledging = true;
        try {
            InboundResult result = plugins.call(pluginId, "handleInbound",
                    () -> r.connector.connector().handleInbound(request, r));
            if (result == null) {
                throw new PluginCallException(pluginId, "handleInbound",
                        new IllegalStateException("handleInbound returned null"));
            }
            List<Map.Entry<ChannelInstance, InboundResult.BoundEvent>> bound = new ArrayList<>();
            for (InboundResult.BoundEvent e : result.events()) {
                ChannelInstance ci = r.issued.get(e.context());
                if (ci == null || e.event() == null) {
                    throw new PluginCallException(pluginId, "handleInbound", new IllegalStateException(
                            "an event is bound to a context the hub did not issue for this request, or is null"));
                }
                bound.add(Map.entry(ci, e));
            }
            if (result.turn() != null) {
                // A live turn (the widget's) waits for its model: it is an answer, not an acknowledgement.
                processor.notAnAck();
                acknowledging = false;
                var only = bound.get(0);
                org.slf4j.MDC.put("tenant_id", only.getKey().tenantId());
                return turns.answer(only.getKey(), (MessageReceived) only.getValue().event(), result.turn(),
                        io.channelhub.hub.web.hooks.PluginHttp.responseHeaders(result.answer().headers()), r.usage);
            }
            List<InboundEvents.Incoming> incoming = new ArrayList<>();
            for (var e : bound) {
                incoming.add(new InboundEvents.Incoming(e.getKey().tenantId(), e.getKey().id(), pluginId,
                        e.getValue().event()));
            }
            List<InboundEvents.Stored> stored;
            try {
                // The plugin's usage commits with the events it parsed, or not at all.
                stored = events.storeAll(incoming, r.usage);
            } catch (IllegalArgumentException bad) {
                throw new PluginCallException(pluginId, "handleInbound", bad);
            }
            // Stored: the answer may go out. Processing starts at once here; the poller covers a crash.
            stored.stream().filter(s -> !s.duplicate()).forEach(s -> processor.kick(s.id()));
            return io.channelhub.hub.web.hooks.PluginHttp.answer(result.answer());
        } finally {
            if (acknowledging) {
                processor.ackFinished(System.nanoTime() - arrived);
            }
            // Usage of a request the hub refused (or that failed) is never billed; after a commit this is a no-op.
            r.usage.discard();
            org.slf4j.MDC.remove("plugin");
        }
    }

    /**
     * One request's scope: the instance its route names (if any) and the contexts issued while it runs — a plugin
     * may bind events only to these.
     */
    private final class Request implements InboundScope {
        final PluginPlatform.LoadedConnector connector;
        final Map<PluginContext, ChannelInstance> issued = Collections.synchronizedMap(new IdentityHashMap<>());
        final io.channelhub.hub.plugins.PluginUsage.Pending usage = contexts.pendingUsage();
        PluginContext named;

        Request(PluginPlatform.LoadedConnector connector) {
            this.connector = connector;
        }

        @Override
        public Optional<PluginContext> instance() {
            return Optional.ofNullable(named);
        }

        @Override
        public Optional<PluginContext> findInstance(String routingKeyValue) {
            return find(routingKeyValue);
        }

        @Override
        public boolean anyInstanceHas(String setting, String value) {
            return anyHas(setting, value);
        }

        CorePluginContext issue(ChannelInstance ci) {
            CorePluginContext ctx = contexts.forInstance(ci, usage);
            issued.put(ctx, ci);
            return ctx;
        }

        boolean anyHas(String setting, String value) {
            if (setting == null || value == null) {
                return false;
            }
            byte[] wanted = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            boolean found = false;
            // Every instance is compared, so the time taken does not tell which one (or whether any) matched.
            for (ChannelInstance ci : instances.listForPlugin(connector.pluginId())) {
                if (!serving(ci)) {
                    continue;
                }
                String v = instanceService.settingsFor(ci).get(setting).orElse(null);
                if (v != null && java.security.MessageDigest.isEqual(wanted,
                        v.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                    found = true;
                }
            }
            return found;
        }

        Optional<PluginContext> find(String routingValue) {
            if (routingValue == null || connector.descriptor().routingKey() == null) {
                return Optional.empty();
            }
            return instances.findByRouting(connector.pluginId(), routingValue).filter(ChannelHooks.this::serving)
                    .map(this::issue);
        }
    }
}
