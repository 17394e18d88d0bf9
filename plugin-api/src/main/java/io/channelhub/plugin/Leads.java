package io.channelhub.plugin;

import java.util.Optional;

/**
 * The tenant's sales leads, as a plugin that finds them in conversations (a turn observer) reports them. The hub owns
 * the lead: it keeps one per conversation, applies the tenant's redaction to what is stored, decides qualification
 * against the tenant's threshold, moves it through its pipeline stages, and tells the integrator (a signed
 * {@code lead.qualified} webhook), with access control, audit, metering, export and erasure. A plugin only says what it
 * learned; reporting the same again changes nothing, so a redelivered turn may report it again.
 *
 * <pre>{@code
 * context.leads().report(turn.conversationId(), new Leads.Report("buy", 82, "Ana Souza", "ana@acme.example",
 *         null, "Acme", "CTO", "Asked for a quote for 40 seats"));
 * }</pre>
 *
 * @since 1.5.0
 */
public interface Leads {

    /**
     * Records what the plugin learned about the lead of a conversation of the tenant, creating the lead the first
     * time. Fields left null keep what an earlier report said; the score is the plugin's latest.
     *
     * @return the lead as the hub keeps it
     * @throws IllegalArgumentException for a conversation the context cannot see, or a score outside 0 to 100
     */
    Lead report(String conversationId, Report report);

    /** The lead of a conversation, if one was reported. */
    Optional<Lead> ofConversation(String conversationId);

    /** The tenant's lead settings: its threshold, and the model it chose for finding leads, if any. */
    LeadSettings settings();

    /**
     * The tenant's lead settings.
     *
     * @param qualifyAt     the score from which a lead is qualified
     * @param modelProvider the provider of the model the tenant chose to read its conversations for leads
     *                      ({@link Models#complete}), or null: none chosen
     * @param model         that model's name, or null
     */
    record LeadSettings(int qualifyAt, String modelProvider, String model) {

        /** Whether the tenant chose a model. */
        public boolean hasModel() {
            return modelProvider != null && model != null;
        }
    }

    /**
     * What a plugin learned from a conversation.
     *
     * @param intent  what the contact wants, in a word ({@code buy}, {@code quote}, {@code demo}, {@code support}...)
     * @param score   0 to 100: how likely this contact buys
     * @param name    the contact's name, when they gave it
     * @param email   their e-mail address
     * @param phone   their phone number
     * @param company their company
     * @param role    their role or title
     * @param summary one or two sentences a salesperson reads first
     */
    record Report(String intent, int score, String name, String email, String phone, String company, String role,
                  String summary) {
    }

    /**
     * A lead as the hub keeps it.
     *
     * @param id             the hub's id ({@code lead_...})
     * @param conversationId the conversation it came from
     * @param stage          its pipeline stage: {@code new}, {@code qualified}, {@code contacted}, {@code proposal},
     *                       {@code won} or {@code lost}
     * @param score          the latest score
     * @param qualified      whether it reached the tenant's threshold (it stays qualified)
     */
    record Lead(String id, String conversationId, String stage, int score, boolean qualified) {
    }
}
