package io.channelhub.plugins.leads;

import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.Leads;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.QuotaExceededException;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.turn.CompletedTurn;
import io.channelhub.plugin.turn.TurnObserver;
import java.util.List;
import org.pf4j.Extension;

/**
 * Reads the contact's side of a conversation after each completed turn and reports a lead when it shows buying intent:
 * the intent, a score, and the contact's name, e-mail, phone, company and role as they gave them. The tenant's chosen
 * model reads it ({@link ModelReading}, through the hub's gateway: metered and quota-checked as the tenant's); without
 * one, with the hub's demo model, or when the model fails, the deterministic rule set does ({@link LeadSignals}). The whole recent conversation is read each time, so a redelivered turn reports the same lead again (which
 * changes nothing) and details given over several messages add up. The lead's score and stage are also noted on the
 * conversation ({@code annotations.leads.lead.score}, {@code lead.stage}).
 */
@Extension
public class BuyingIntent implements TurnObserver {

    /** How much of a conversation is read: enough for a sales conversation, bounded for a long support thread. */
    static final int MESSAGES = 40;

    @Override
    public String id() {
        return "buying-intent";
    }

    @Override
    public void observe(CompletedTurn turn, PluginContext context) {
        List<Conversations.MessageView> recent = context.conversations().recentMessages(turn.conversationId(),
                MESSAGES);
        LeadSignals.Found found = LeadSignals.read(recent.stream().filter(m -> "user".equals(m.role()))
                .map(Conversations.MessageView::content).toList());
        Leads.LeadSettings settings = context.leads().settings();
        if (settings.hasModel()) {
            found = byModel(context, settings, recent, found);
        }
        if (found.score() == 0) {
            // Nothing that looks like a lead; a lead found earlier keeps its score when its intent has scrolled out
            // of the window read.
            return;
        }
        Leads.Lead lead = context.leads().report(turn.conversationId(), new Leads.Report(found.intent(),
                found.score(), found.name(), found.email(), found.phone(), found.company(), found.role(),
                found.summary()));
        context.conversations().annotate(turn.conversationId(), "lead.score", Integer.toString(lead.score()));
        context.conversations().annotate(turn.conversationId(), "lead.stage", lead.stage());
    }

    /**
     * What the tenant's model finds, with the e-mail and phone the rules matched where the model gave none; the rules'
     * own finding when the model cannot be used or fails (the next turn asks the model again).
     */
    private static LeadSignals.Found byModel(PluginContext context, Leads.LeadSettings settings,
                                             List<Conversations.MessageView> recent, LeadSignals.Found rules) {
        try {
            if (context.models().isDemo(settings.modelProvider())) {
                // No credentials for the provider: the demo model only echoes.
                return rules;
            }
            List<Conversations.MessageView> window = recent.subList(Math.max(0,
                    recent.size() - ModelReading.MESSAGES), recent.size());
            LeadSignals.Found read = ModelReading.read(context.models(), settings, window);
            if (read.score() == 0) {
                return read;
            }
            return new LeadSignals.Found(read.intent(), read.score(), read.name(),
                    read.email() != null ? read.email() : rules.email(),
                    read.phone() != null ? read.phone() : rules.phone(), read.company(), read.role(), read.summary());
        } catch (ModelException | QuotaExceededException | IllegalArgumentException e) {
            context.logger().warn("The lead model {}/{} could not read the conversation ({}); the rule set did",
                    settings.modelProvider(), settings.model(), e.getMessage());
            return rules;
        }
    }
}
