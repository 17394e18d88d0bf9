package io.channelhub.hub;

import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.limits.Quotas;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.metering.UsageMetrics;
import io.channelhub.hub.plugins.PluginUsage;
import io.channelhub.hub.web.ApiCallMetering;
import io.channelhub.hub.web.api.QuotasResource;
import io.channelhub.hub.web.api.UsageResource;
import io.channelhub.hub.webhooks.Webhooks;
import io.dropwizard.core.setup.Environment;

/**
 * What tenants use and what they are told about it: the usage ledger (and its spool), quotas with their counters and
 * thresholds, plugins' metering, and the tenant's webhook subscriptions, through which thresholds and every other
 * event reach the integrator.
 */
final class UsageBundle extends HubBundle<UsageBundle.Usage> {

    record Usage(UsageLedger ledger, Webhooks webhooks, Quotas quotas, PluginUsage pluginUsage, Api api) {
    }

    /** The routes: quotas as a tenant sees them and as the operator manages them, and usage. */
    record Api(QuotasResource quotas, QuotasResource.Managed managedQuotas, UsageResource usage) {
    }

    private final CoreBundle core;
    private final IdentityBundle identity;

    UsageBundle(CoreBundle core, IdentityBundle identity) {
        this.core = core;
        this.identity = identity;
    }

    @Override
    protected Usage build(HubConfiguration config, Environment env) {
        var c = core.get();
        var id = identity.get();
        UsageLedger ledger = new UsageLedger(c.jdbi(), c.clock(), config.getUsage());
        env.lifecycle().manage(ledger);
        Webhooks webhooks = new Webhooks(c.jdbi(), c.stored(), c.secrets(), c.outbox(), config.getDelivery(),
                c.clock(), c.outboxSignal(), c.caches());
        id.resources().register(ResourceType.WEBHOOK, (tenantId, wid) -> webhooks.find(tenantId, wid)
                .map(w -> new ResourceDirectory.ResourceRef(ResourceType.WEBHOOK, w.id(), w.ownerPrincipalId())));
        Quotas quotas = new Quotas(c.jdbi(), c.stored(), webhooks, id.audit(), c.quotaCounters(), env.metrics(),
                c.clock(), c.metrics(), c.caches());
        ledger.onRecorded(quotas::recorded);
        // Spooled rows (API requests, stateless completions) reach the thresholds once committed: a threshold read
        // from the ledger (its counter unreachable) sums them.
        ledger.onBatchCommitted(quotas::afterUsage);
        // A counter seeded from the ledger must not miss the rows still in the spool (the counters hold them).
        quotas.beforeSeeding(ledger::flush);
        UsageMetrics.register(c.prometheus(), ledger);

        var jersey = env.jersey();
        jersey.register(new ApiCallMetering(ledger));
        var api = new Api(new QuotasResource(quotas, id.access()),
                new QuotasResource.Managed(quotas, id.access(), id.audit()),
                new UsageResource(c.jdbi(), id.access(), ledger));
        return new Usage(ledger, webhooks, quotas, new PluginUsage(ledger, quotas), api);
    }
}
