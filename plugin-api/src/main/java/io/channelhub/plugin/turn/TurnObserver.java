package io.channelhub.plugin.turn;

import io.channelhub.plugin.PluginContext;
import org.pf4j.ExtensionPoint;

/**
 * Sees every agent turn of a tenant after its reply is stored: to score a conversation, extract what the user said
 * about themselves, or tag the conversation for people to follow up. Observers run after the turn, off the path of
 * the reply, so they never delay an answer and cannot change it.
 * <p>
 * Delivery is durable and at least once: the hub records the turn for each observer in the same commit as the
 * reply, and calls {@link #observe} until it returns normally. An exception (or a timeout) is retried with backoff;
 * after the hub's last attempt the turn goes to the dead letters, where an operator can replay it. The same turn
 * may therefore arrive more than once: key what an observer writes (annotations, documents, metering) by
 * {@link CompletedTurn#turnId()}. The hub calls an observer only for tenants that have its plugin enabled.
 * <p>
 * The context is the tenant's, without a channel instance: {@code conversations()} reads any conversation of the
 * tenant and annotates it, {@code metering()} records the observer's own billable work (a model call it made), and
 * {@code store()} keeps its records.
 *
 * <pre>{@code
 * @Extension
 * public class BuyingIntent implements TurnObserver {
 *     public String id() { return "buying-intent"; }
 *
 *     public void observe(CompletedTurn turn, PluginContext context) {
 *         if (turn.userMessage().content().toLowerCase().contains("price")) {
 *             context.conversations().annotate(turn.conversationId(), "intent", "buy");
 *             context.metering().record("intent.checks", 1, "turn", "intent:" + turn.turnId());
 *         }
 *     }
 * }
 * }</pre>
 *
 * @since 1.4.0
 */
public interface TurnObserver extends ExtensionPoint {

    /** A name unique in the hub (lower case, digits, {@code -} and {@code _}); it keys the observer's deliveries. */
    String id();

    /**
     * Sees one completed turn. Returning normally marks the turn as observed; throwing asks for it again later.
     *
     * @param turn    the turn, as it was stored
     * @param context the tenant's services
     */
    void observe(CompletedTurn turn, PluginContext context);
}
