package io.channelhub.hub.plugins;

import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.DocumentStore;
import io.channelhub.plugin.Metering;
import io.channelhub.plugin.OutboundHttp;
import io.channelhub.plugin.PluginContext;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context the core passes into plugin code, bound to one tenant (and, for channel calls, one instance): every
 * service in it is a view already scoped to that tenant.
 */
public final class CorePluginContext implements PluginContext {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String tenantId;
    private final String pluginId;
    private final InstanceInfo instance;
    private final Conversations conversations;
    private final Contacts contacts;
    private final DocumentStore store;
    private final io.channelhub.plugin.MediaStore media;
    private final Metering metering;
    private final Clock clock;
    private final io.channelhub.plugin.Leads leads;
    private final io.channelhub.plugin.Models models;

    public CorePluginContext(String tenantId, String pluginId, InstanceInfo instance, Conversations conversations,
                             Contacts contacts, DocumentStore store, io.channelhub.plugin.MediaStore media,
                             PluginUsage usage, Clock clock) {
        this(tenantId, pluginId, instance, conversations, contacts, store, media, usage, null, clock);
    }

    /** A context whose metering holds the usage in {@code pending} until the work it belongs to is stored. */
    public CorePluginContext(String tenantId, String pluginId, InstanceInfo instance, Conversations conversations,
                             Contacts contacts, DocumentStore store, io.channelhub.plugin.MediaStore media,
                             PluginUsage usage, PluginUsage.Pending pending, Clock clock) {
        this(tenantId, pluginId, instance, conversations, contacts, store, media, usage, pending, clock,
                PluginCapabilities.UNDECLARED);
    }

    /** The same, holding the plugin to the usage types and store collections its manifest declares. */
    public CorePluginContext(String tenantId, String pluginId, InstanceInfo instance, Conversations conversations,
                             Contacts contacts, DocumentStore store, io.channelhub.plugin.MediaStore media,
                             PluginUsage usage, PluginUsage.Pending pending, Clock clock,
                             PluginCapabilities declared) {
        this(tenantId, pluginId, instance, conversations, contacts, store, media, usage, pending, clock, declared,
                null);
    }

    /** The same, with the tenant's leads (null: this context offers none). */
    public CorePluginContext(String tenantId, String pluginId, InstanceInfo instance, Conversations conversations,
                             Contacts contacts, DocumentStore store, io.channelhub.plugin.MediaStore media,
                             PluginUsage usage, PluginUsage.Pending pending, Clock clock,
                             PluginCapabilities declared, io.channelhub.plugin.Leads leads) {
        this(tenantId, pluginId, instance, conversations, contacts, store, media, usage, pending, clock, declared,
                leads, null);
    }

    /** The same, with the tenant's models (null: this context offers none). */
    public CorePluginContext(String tenantId, String pluginId, InstanceInfo instance, Conversations conversations,
                             Contacts contacts, DocumentStore store, io.channelhub.plugin.MediaStore media,
                             PluginUsage usage, PluginUsage.Pending pending, Clock clock,
                             PluginCapabilities declared, io.channelhub.plugin.Leads leads,
                             io.channelhub.plugin.Models models) {
        this.leads = leads;
        this.models = declared.guard(models, pluginId);
        this.tenantId = tenantId;
        this.pluginId = pluginId;
        this.instance = instance;
        this.conversations = conversations;
        this.contacts = contacts;
        this.store = store == null ? null : declared.guard(store, pluginId);
        this.media = media;
        this.metering = declared.guard(usage.metering(tenantId, pluginId, instance == null ? null : instance.id(),
                pending), pluginId);
        this.clock = clock;
    }

    @Override
    public String tenantId() {
        return tenantId;
    }

    @Override
    public Optional<InstanceInfo> instance() {
        return Optional.ofNullable(instance);
    }

    @Override
    public Conversations conversations() {
        return conversations;
    }

    @Override
    public Contacts contacts() {
        return contacts;
    }

    @Override
    public Metering metering() {
        return metering;
    }

    @Override
    public DocumentStore store() {
        return store;
    }

    @Override
    public io.channelhub.plugin.Leads leads() {
        if (leads == null) {
            throw new UnsupportedOperationException("this context offers no leads");
        }
        return leads;
    }

    @Override
    public io.channelhub.plugin.Models models() {
        if (models == null) {
            throw new UnsupportedOperationException("this context offers no models");
        }
        return models;
    }

    @Override
    public io.channelhub.plugin.MediaStore media() {
        return media;
    }

    @Override
    public OutboundHttp http() {
        return request -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(request, (n, v) -> true);
            if (request.headers().firstValue("traceparent").isEmpty()) {
                // The current span's W3C trace context, so the callee joins this request's trace.
                io.channelhub.hub.observability.Tracing.headers(io.opentelemetry.context.Context.current())
                        .forEach(b::header);
            }
            if (request.timeout().isEmpty()) {
                b.timeout(Duration.ofSeconds(30));
            }
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        };
    }


    /** The plugin this context was issued to. */
    public String pluginId() {
        return pluginId;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Logger logger() {
        return LoggerFactory.getLogger("plugin." + pluginId);
    }
}
