package io.channelhub.plugin;

import java.time.Instant;
import java.util.Optional;

/**
 * The contacts (end users) of the context's tenant and their consent ledger. Channels record consent the user
 * gave or withdrew on the channel; the hub keeps the history and enforces it.
 *
 * <pre>{@code
 * context.contacts().recordConsent(new ConsentRecord(waId, "marketing", ConsentStatus.WITHDRAWN,
 *         "whatsapp:131050", "{\"error_code\":131050}", context.clock().instant()));
 * }</pre>
 */
public interface Contacts {

    /** The contact that the channel knows by this external id (a WhatsApp id, a visitor id). */
    Optional<ContactView> find(String externalId);

    /** The current consent of a contact for a purpose; {@link ConsentStatus#UNKNOWN} when none is recorded. */
    ConsentStatus consent(String externalId, String purpose);

    /** Appends to the consent ledger. */
    void recordConsent(ConsentRecord record);

    /** Consent states. */
    enum ConsentStatus { GRANTED, WITHDRAWN, UNKNOWN }

    /**
     * A contact as a plugin may see it.
     *
     * @param id          the hub's contact id
     * @param externalId  the channel's id for the contact
     * @param displayName the name the channel reported, if any
     */
    record ContactView(String id, String externalId, String displayName) {
    }

    /**
     * One consent decision.
     *
     * @param externalId the contact's external id
     * @param purpose    what it is for ({@code marketing}, {@code service}, ...)
     * @param status     granted or withdrawn
     * @param method     how it was given ({@code widget:checkbox}, {@code whatsapp:opt-out})
     * @param evidence   evidence as text (JSON), without secrets
     * @param at         when it was given
     */
    record ConsentRecord(String externalId, String purpose, ConsentStatus status, String method, String evidence,
                         Instant at) {
    }
}
