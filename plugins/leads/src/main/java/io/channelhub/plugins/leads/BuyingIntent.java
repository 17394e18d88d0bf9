package io.channelhub.plugins.leads;

import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.Leads;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.turn.CompletedTurn;
import io.channelhub.plugin.turn.TurnObserver;
import java.util.List;
import org.pf4j.Extension;

/**
 * Reads the contact's side of a conversation after each completed turn and reports a lead when it shows buying intent
 * ({@link LeadSignals}): the intent, a score, and the contact's name, e-mail, phone, company and role as they gave
 * them. The whole recent conversation is read each time, so a redelivered turn reports the same lead again (which
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
        List<String> said = context.conversations().recentMessages(turn.conversationId(), MESSAGES).stream()
                .filter(m -> "user".equals(m.role())).map(Conversations.MessageView::content).toList();
        LeadSignals.Found found = LeadSignals.read(said);
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
}
