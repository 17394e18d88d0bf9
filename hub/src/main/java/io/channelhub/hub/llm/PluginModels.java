package io.channelhub.hub.llm;

import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.limits.QuotaExceeded;
import io.channelhub.hub.limits.Quotas;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.plugin.Models;
import io.channelhub.plugin.QuotaExceededException;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import java.util.List;

/**
 * The {@link Models} of one plugin's context for one tenant: the agent's path to a model ({@link ModelGateway}: the
 * tenant's credentials, retries, breaker, metrics, a span) with the turn's accounting around it. The tenant's hard
 * token quotas are checked before the call (tokens are known only after it, as for a turn), and the reply's tokens are
 * recorded under the plugin's id, so the tenant's usage shows what its plugins spent.
 */
public final class PluginModels implements Models {

    private final ModelGateway gateway;
    private final Quotas quotas;
    private final UsageLedger ledger;
    private final String tenantId;
    private final String pluginId;

    public PluginModels(ModelGateway gateway, Quotas quotas, UsageLedger ledger, String tenantId, String pluginId) {
        this.gateway = gateway;
        this.quotas = quotas;
        this.ledger = ledger;
        this.tenantId = tenantId;
        this.pluginId = pluginId;
    }

    @Override
    public ModelReply complete(String provider, ModelRequest request) throws ModelException {
        known(provider);
        if (request == null || request.model() == null || request.model().isBlank()) {
            throw new IllegalArgumentException("a request naming its model is required");
        }
        ModelReply reply;
        try {
            quotas.requireBelow(tenantId, UsageLedger.MODEL_TOKENS);
            reply = gateway.complete(tenantId, provider, request);
        } catch (QuotaExceeded refused) {
            // The plugin API's own type: a plugin catches it without the hub's classes.
            throw new QuotaExceededException(refused.usageType(), refused.period(), refused.limit(), refused.used(),
                    refused.resetsAt().orElse(null));
        } catch (HubFailure failed) {
            throw modelException(failed);
        }
        // A fresh key: each call is its own spend, whatever the plugin does with the reply.
        List<UsageLedger.UsageEvent> tokens = UsageLedger.modelTokens(tenantId, pluginId, null, null, reply.model(),
                reply.usage(), pluginId + ":model:" + Ids.newId("call"));
        if (!tokens.isEmpty()) {
            ledger.recordAll(tokens);
            quotas.afterUsage(tenantId, UsageLedger.MODEL_TOKENS);
        }
        return reply;
    }

    @Override
    public boolean isDemo(String provider) {
        known(provider);
        try {
            return gateway.isDemo(tenantId, provider);
        } catch (HubFailure e) {
            // A plugin's provider that went away between the two lookups: the plugin API's answer for it.
            throw new IllegalArgumentException("model provider '" + provider + "': " + e.getMessage());
        }
    }

    private void known(String provider) {
        if (provider == null || !gateway.providerIds().contains(provider)) {
            throw new IllegalArgumentException("no model provider '" + provider + "' on this hub");
        }
    }

    /** The gateway's stable failure codes, back in the plugin API's kinds. */
    static ModelException modelException(HubFailure f) {
        ModelException.Kind kind = switch (f.code()) {
            case "model_rate_limited" -> ModelException.Kind.RATE_LIMITED;
            case "model_timeout" -> ModelException.Kind.TIMEOUT;
            case "model_auth_failed" -> ModelException.Kind.AUTHENTICATION;
            case "model_rejected_request" -> ModelException.Kind.BAD_REQUEST;
            default -> ModelException.Kind.UPSTREAM_ERROR;
        };
        return new ModelException(kind, f.code() + ": " + f.getMessage(), f);
    }
}
