package io.channelhub.hub.web.hooks;

import io.channelhub.hub.billing.BillingEvents;
import io.channelhub.hub.billing.BillingJobs;
import io.channelhub.hub.billing.GatewayAccounts;
import io.channelhub.hub.web.PublicApi;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.plugins.PluginCallException;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.billing.PaymentEvent;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.Optional;

/**
 * The payment gateway's webhook: {@code /hooks/gateways/{gatewayId}}, one per gateway account. The plugin
 * authenticates it (Asaas: the {@code asaas-access-token} header) and parses the payment events; the hub stores
 * them, de-duplicated on the gateway's event id, and only then answers 200 — a gateway that gets errors pauses its
 * queue, so nothing else may fail it.
 */
@Path("/hooks/gateways")
@PublicApi
public class GatewayHooksResource {

    static final int MAX_BODY = 256 * 1024;

    private final GatewayAccounts gateways;
    private final BillingEvents events;
    private final BillingJobs jobs;
    private final PluginPlatform plugins;

    @Context
    private HttpServletRequest servlet;

    public GatewayHooksResource(GatewayAccounts gateways, BillingEvents events, BillingJobs jobs,
                                PluginPlatform plugins) {
        this.gateways = gateways;
        this.events = events;
        this.jobs = jobs;
        this.plugins = plugins;
    }

    @POST
    @Path("/{gatewayId}")
    public Response post(@PathParam("gatewayId") String gatewayId, @Context HttpHeaders headers,
                         @Context UriInfo uri, InputStream body) {
        GatewayAccounts.Usable g = gateways.usable().filter(u -> u.account().id().equals(gatewayId))
                .orElseThrow(() -> new ApiException(404, "gateway_not_found", "no such billing gateway"));
        InboundRequest request = PluginHttp.request("POST", "/", headers, uri, body,
                servlet == null ? null : servlet.getRemoteAddr(), MAX_BODY);
        PluginContext ctx = gateways.context(g, GatewayAccounts.PLATFORM);
        InboundScope scope = new InboundScope() {
            @Override
            public Optional<PluginContext> instance() {
                return Optional.of(ctx);
            }

            @Override
            public Optional<PluginContext> findInstance(String routingKeyValue) {
                return Optional.empty();
            }
        };
        String pluginId = g.account().pluginId();
        InboundResult result = plugins.call(pluginId, "handleWebhook", () -> g.gateway().handleWebhook(request, scope));
        if (result == null) {
            throw new PluginCallException(pluginId, "handleWebhook", new IllegalStateException("returned null"));
        }
        boolean fresh = false;
        for (InboundResult.BoundEvent e : result.events()) {
            if (e.context() != ctx || !(e.event() instanceof PaymentEvent
                    || e.event() instanceof io.channelhub.plugin.billing.SubscriptionEvent)) {
                throw new PluginCallException(pluginId, "handleWebhook", new IllegalStateException(
                        "a gateway event must be a payment or subscription event bound to this request's context"));
            }
            fresh |= events.store(g.account().id(), e.event()).isPresent();
        }
        if (fresh) {
            jobs.kick();
        }
        return io.channelhub.hub.web.hooks.PluginHttp.answer(result.answer());
    }
}
