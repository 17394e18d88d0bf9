package io.channelhub.hub.billing;

import io.channelhub.plugin.billing.Charge;
import io.channelhub.plugin.billing.GatewayException;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billing clock: closes ended periods into invoices, creates their charges, applies stored gateway events,
 * suspends what stayed past due beyond the grace, and asks the gateway about charges whose webhook never came. Each
 * step is safe on every replica at once.
 */
public class BillingJobs implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(BillingJobs.class);

    private final Invoices invoices;
    private final Subscriptions subscriptions;
    private final BillingEvents events;
    private final GatewayAccounts gateways;
    private final BillingConfig config;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public BillingJobs(Invoices invoices, Subscriptions subscriptions, BillingEvents events, GatewayAccounts gateways,
                       BillingConfig config, Clock clock) {
        this.invoices = invoices;
        this.subscriptions = subscriptions;
        this.events = events;
        this.gateways = gateways;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "billing-jobs");
            t.setDaemon(true);
            return t;
        });
        long every = config.getJobInterval().toMilliseconds();
        timer.scheduleWithFixedDelay(this::runSafely, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Applies stored events now, off the webhook's request. */
    public void kick() {
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.execute(() -> {
                try {
                    events.processPending();
                } catch (RuntimeException e) {
                    LOG.warn("Applying billing events failed", e);
                }
            });
        }
    }

    /**
     * Charges open invoices now, on the jobs thread: a subscribe or cancel must not wait on the gateway for every
     * tenant's uncharged invoices (nor on its rate limit).
     */
    public void kickCharge() {
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.execute(() -> {
                try {
                    chargeOpen();
                } catch (RuntimeException e) {
                    LOG.warn("Charging open invoices failed", e);
                }
            });
        }
    }

    private void runSafely() {
        try {
            run();
        } catch (RuntimeException e) {
            LOG.warn("Billing jobs failed", e);
        }
    }

    /** One round of every job; also the operator's "run now". */
    public List<Invoices.Invoice> run() {
        List<Invoices.Invoice> closed = invoices.closeDuePeriods(clock.instant(), config.getDueDays());
        chargeOpen();
        events.processPending();
        events.suspendPastGrace(Duration.ofMillis(config.getOverdueGrace().toMilliseconds()));
        reconcile();
        return closed;
    }

    /** Charges open invoices, and starts the gateway's recurring charges that do not exist yet. */
    public void chargeOpen() {
        for (Subscriptions.Subscription s : subscriptions.awaitingRecurring()) {
            invoices.ensureRecurring(s);
        }
        for (Invoices.Invoice inv : invoices.uncharged(100)) {
            invoices.charge(inv);
        }
    }

    /** Asks the gateway for charges without news, and applies what it says as if its webhook had come. */
    public int reconcile() {
        var g = gateways.usable();
        if (g.isEmpty()) {
            return 0;
        }
        int changed = 0;
        var before = clock.instant().minusMillis(config.getReconcileAfter().toMilliseconds());
        for (Invoices.Invoice inv : invoices.awaitingPayment(before, 100)) {
            try {
                Charge c = g.get().gateway().getCharge(inv.gatewayChargeId(), gateways.context(g.get(),
                        inv.tenantId()));
                String was = inv.status();
                events.apply(inv.gatewayChargeId(), inv.id(), c.status());
                invoices.checked(inv);
                if (!was.equals(invoices.find(inv.tenantId(), inv.id()).map(Invoices.Invoice::status).orElse(was))) {
                    changed++;
                }
            } catch (GatewayException e) {
                LOG.warn("Reconciling invoice {} failed ({})", inv.id(), e.code());
            }
        }
        return changed;
    }
}
