package io.channelhub.plugin.channel;

import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.InboundEvent;
import java.time.Instant;

/**
 * Something the channel learned about a contact: consent given or withdrawn (an opt-out keyword, a provider error
 * saying the user stopped marketing messages), or that the contact cannot be reached. The hub stores it like every
 * event, then writes the consent ledger or the contact's state; a channel never writes them itself.
 *
 * <pre>{@code
 * new ContactUpdate("wamid.1:consent", "5511999990000", "marketing", ConsentStatus.WITHDRAWN, null,
 *         "whatsapp:keyword", "{\"keyword\":\"PARAR\",\"message_id\":\"wamid.1\"}", ts)
 * }</pre>
 *
 * @param externalId        a unique id of this update (de-duplication key)
 * @param contactExternalId the contact's id on the channel
 * @param consentPurpose    the purpose whose consent changed ({@code marketing}), or null
 * @param consentStatus     GRANTED or WITHDRAWN when {@code consentPurpose} is set, else null
 * @param reachability      the contact's new reachability, or null when unchanged
 * @param method            how it was learned ({@code whatsapp:keyword}, {@code whatsapp:131050})
 * @param evidence          evidence as JSON text, without secrets
 * @param at                when it happened, by the channel's clock
 * @since 1.1.0
 */
public record ContactUpdate(String externalId, String contactExternalId, String consentPurpose,
                            Contacts.ConsentStatus consentStatus, Reachability reachability, String method,
                            String evidence, Instant at) implements InboundEvent {

    /** Checks that the update says something. */
    public ContactUpdate {
        if ((consentPurpose == null) != (consentStatus == null)) {
            throw new IllegalArgumentException("consentPurpose and consentStatus go together");
        }
        if (consentStatus == Contacts.ConsentStatus.UNKNOWN) {
            throw new IllegalArgumentException("a consent update is GRANTED or WITHDRAWN");
        }
        if (consentPurpose == null && reachability == null) {
            throw new IllegalArgumentException("an update changes consent, reachability or both");
        }
    }

    /** Whether messages can reach the contact on this channel. */
    public enum Reachability { REACHABLE, UNREACHABLE }
}
