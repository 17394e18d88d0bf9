package io.channelhub.hub.web.api;

import jakarta.ws.rs.Path;

/**
 * A tenant's API, {@code /v1/...}, for the tenant's own keys and console users. Each section is a sub-resource; the
 * same section objects serve the operator under {@code /admin/tenants/{tenantId}/...} ({@link TenantAdminApi}), and
 * the {@link io.channelhub.hub.web.TenantScope} a section's methods take is the only thing that differs between the
 * two mounts ({@link TenantSections}). Sections without an operator twin ({@code /v1/me}, {@code /v1/tenant},
 * {@code /v1/webhooks}, {@code /v1/model-providers}, the OpenAI-compatible routes) are their own root resources.
 */
@Path("/v1")
public final class TenantApi extends TenantSections {

    private final ConversationsResource conversations;
    private final QuotasResource quotas;
    private final BillingResource.Own billing;
    private final HandoffsResource handoffs;
    private final LeadsResource leads;

    public TenantApi(TenantSections.Sections sections, ConversationsResource conversations, QuotasResource quotas,
                     BillingResource.Own billing, HandoffsResource handoffs, LeadsResource leads) {
        super(sections);
        this.leads = leads;
        this.handoffs = handoffs;
        this.conversations = conversations;
        this.quotas = quotas;
        this.billing = billing;
    }

    /** Conversations with their turns; the operator only reads them. */
    @Path("conversations")
    public ConversationsResource conversations() {
        return conversations;
    }

    /** The queue of conversations waiting for a person or held by one. */
    @Path("handoffs")
    public HandoffsResource handoffs() {
        return handoffs;
    }

    /** Asking for a person, taking a conversation, answering in it, handing it back. */
    @Path("conversations/{conversationId}/handoff")
    public HandoffsResource.OfConversation handoff() {
        return handoffs.ofConversation();
    }

    /** Sales leads found in conversations, on a board of stages. */
    @Path("leads")
    public LeadsResource leads() {
        return leads;
    }

    /** Where the tenant stands; the operator also sets them. */
    @Path("quotas")
    public QuotasResource quotas() {
        return quotas;
    }

    /** The tenant's subscription and invoices, read-only; the operator manages them. */
    @Path("billing")
    public BillingResource.Own billing() {
        return billing;
    }
}
