package io.channelhub.hub.web.api;

import io.channelhub.hub.agents.AgentService;
import io.channelhub.hub.agents.AgentSpec;
import io.channelhub.hub.web.PublicApi;
import io.channelhub.hub.channels.ChannelInstance;
import io.channelhub.hub.channels.ChannelInstanceService;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.tenancy.Tenant;
import io.channelhub.hub.tenancy.TenantRepository;
import io.channelhub.hub.tenancy.TenantService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo page at {@code /demo}: a {@code demo} tenant, its agent and a web widget, set up at start (and brought
 * back in line with the configured origins on every start), shown on a page served under a strict
 * Content-Security-Policy, as a tenant's site would embed it.
 */
@Path("/demo")
@PublicApi
public class DemoSite {

    private static final Logger LOG = LoggerFactory.getLogger(DemoSite.class);
    static final String TENANT = "demo";
    static final String PLUGIN = "channel-web";

    private final String widgetId;

    private DemoSite(String widgetId) {
        this.widgetId = widgetId;
    }

    /** Sets the demo up; empty when the web channel plugin is not running (the hub then serves no demo). */
    public static Optional<DemoSite> install(DemoConfig config, TenantService tenants, TenantRepository tenantRepo,
                                            AgentService agents, ChannelInstanceService instances,
                                            io.channelhub.hub.knowledge.Knowledge knowledge) {
        Tenant tenant = tenantRepo.findBySlug(TENANT).orElseGet(() -> {
            try {
                return tenants.create(TENANT, "ChannelHub demo");
            } catch (HubFailure raced) {
                return tenantRepo.findBySlug(TENANT).orElseThrow(() -> raced);
            }
        });
        if (agents.defaultAgent(tenant.id()).isEmpty()) {
            agents.create(tenant.id(), "assistant", "Demo assistant", new AgentSpec(null, null, null,
                    "You are the ChannelHub demo assistant. Answer briefly and kindly.", null, null, null, null, null,
                    null, null, null, null, null), null, null, true, null);
        }
        try {
            knowledge(tenant.id(), agents, knowledge);
        } catch (RuntimeException e) {
            // The demo works without its knowledge: the widget still answers, without sources.
            LOG.warn("The demo agent has no knowledge: {}", e.getMessage());
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("allowed_origins", config.getOrigins());
        settings.put("title", "ChannelHub demo");
        settings.put("greeting", "Olá! / Hi! / ¡Hola! This is the ChannelHub demo widget: write anything.");
        try {
            ChannelInstance widget = instances.list(tenant.id(), PLUGIN).stream().findFirst().orElse(null);
            if (widget == null) {
                widget = instances.create(tenant.id(), PLUGIN, "Demo widget", settings, true, null);
            } else if (!config.getOrigins().equals(widget.settings().get("allowed_origins"))) {
                widget = instances.update(widget, null, Map.of("allowed_origins", config.getOrigins()), null);
            }
            LOG.info("Demo widget at /demo (tenant {}, widget {})", TENANT, widget.id());
            return Optional.of(new DemoSite(widget.id()));
        } catch (HubFailure e) {
            LOG.warn("No demo page: the {} plugin is not available ({})", PLUGIN, e.getMessage());
            return Optional.empty();
        }
    }

    static final String STORE = "ChannelHub demo FAQ";

    /**
     * The demo agent's knowledge, made once: a short FAQ about the hub uploaded into a vector store the agent
     * names, so that the first run shows retrieval and its sources with no key and no network.
     */
    private static void knowledge(String tenantId, AgentService agents, io.channelhub.hub.knowledge.Knowledge k) {
        var agent = agents.defaultAgent(tenantId).orElse(null);
        if (agent == null) {
            return;
        }
        var stores = k.stores().list(tenantId, null, 100, true);
        var store = stores.stream().filter(s -> STORE.equals(s.name())).findFirst().orElse(null);
        if (store == null) {
            byte[] faq;
            try (InputStream in = DemoSite.class.getResourceAsStream("/io/channelhub/hub/demo/channelhub-faq.md")) {
                faq = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            var file = k.upload(tenantId, null, "channelhub-faq.md", "assistants", new java.io.ByteArrayInputStream(faq),
                    null);
            store = k.createStore(tenantId, null, STORE, "What the demo agent knows", Map.of(), null, null, null,
                    java.util.List.of(file.id()), null);
        }
        if (!agent.spec().knowledge().vectorStoreIds().contains(store.id())) {
            agents.update(agent, null, null, new AgentSpec(null, null, null, null, null, null, null, null, null,
                    new AgentSpec.Knowledge(java.util.List.of(store.id()), AgentSpec.Knowledge.RETRIEVAL), null, null,
                    null, null), null, null, false, null);
        }
    }

    public String widgetId() {
        return widgetId;
    }

    @GET
    public Response page() {
        String html = template().replace("{{WIDGET_ID}}", widgetId);
        return Response.ok(html, "text/html; charset=utf-8")
                .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                        + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
                .header("X-Content-Type-Options", "nosniff").build();
    }

    private static String template() {
        try (InputStream in = DemoSite.class.getResourceAsStream("/io/channelhub/hub/demo/demo.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
