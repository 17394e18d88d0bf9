package io.channelhub.hub;

import io.channelhub.hub.billing.BillingEvents;
import io.channelhub.hub.billing.BillingJobs;
import io.channelhub.hub.billing.GatewayAccounts;
import io.channelhub.hub.billing.Invoices;
import io.channelhub.hub.billing.Plans;
import io.channelhub.hub.billing.Subscriptions;
import io.channelhub.hub.observability.HubMetrics;
import io.channelhub.hub.web.api.BillingResource;
import io.channelhub.hub.web.hooks.GatewayHooksResource;
import io.dropwizard.core.setup.Environment;

/**
 * Billing records: plans, subscriptions and invoices of the integrator's tenants, charged through the billing
 * gateway plugin (its account, webhooks and events), with the jobs that close periods, charge and reconcile.
 */
final class BillingBundle extends HubBundle<BillingBundle.Billing> {

    record Billing(Invoices invoices, BillingResource.Own api, BillingResource.Managed managedApi) {
    }

    private final CoreBundle core;
    private final PluginsBundle plugins;
    private final IdentityBundle identity;
    private final UsageBundle usage;
    private final ConversationsBundle conversations;

    BillingBundle(CoreBundle core, PluginsBundle plugins, IdentityBundle identity, UsageBundle usage,
                  ConversationsBundle conversations) {
        this.core = core;
        this.plugins = plugins;
        this.identity = identity;
        this.usage = usage;
        this.conversations = conversations;
    }

    @Override
    protected Billing build(HubConfiguration config, Environment env) {
        var c = core.get();
        var id = identity.get();
        var u = usage.get();
        var platform = plugins.get().platform();
        var plans = new Plans(c.jdbi(), c.stored(), c.clock());
        var subscriptions = new Subscriptions(c.jdbi(), c.clock());
        var accounts = new GatewayAccounts(c.jdbi(), c.stored(), c.secrets(), platform,
                conversations.get().contexts(), c.clock());
        var invoices = new Invoices(c.jdbi(), c.stored(), plans, subscriptions, accounts, c.clock());
        var events = new BillingEvents(c.jdbi(), c.stored(), invoices, subscriptions, id.tenants(), id.audit(),
                u.webhooks(), c.clock());
        c.metrics().backlog("channelhub_billing_events", "Payment gateway events", () -> {
            var b = events.backlog();
            return new HubMetrics.Backlog(b.rows(), b.oldest());
        }, c.clock());
        events.onFailed(c.metrics().billingEventsFailed::inc);
        var jobs = new BillingJobs(invoices, subscriptions, events, accounts, config.getBilling(), c.clock());
        env.lifecycle().manage(jobs);

        var services = new BillingResource.Services(plans, subscriptions, invoices, accounts, jobs, u.quotas(),
                config.getBilling(), id.access(), id.audit(), c.clock());
        var jersey = env.jersey();
        jersey.register(new BillingResource.Platform(services));
        jersey.register(new GatewayHooksResource(accounts, events, jobs, platform));
        return new Billing(invoices, new BillingResource.Own(services), new BillingResource.Managed(services));
    }
}
