package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.Contacts;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The words by which a contact withdraws or grants marketing consent on one number, and what the hub answers.
 * A message counts only when it is exactly a keyword (any case, surrounding blanks ignored), so a sentence that
 * merely contains "stop" is an ordinary message for the agent. An opt-in keyword counts only for a contact who
 * opted out: "sim" is also Portuguese for "yes", the everyday answer to an agent's question.
 */
record ConsentKeywords(List<String> optOut, List<String> optIn, String optOutReply, String optInReply) {

    ConsentKeywords {
        optOut = WhatsAppSettings.normalised(optOut);
        optIn = WhatsAppSettings.normalised(optIn);
        optOutReply = optOutReply == null ? "" : optOutReply;
        optInReply = optInReply == null ? "" : optInReply;
    }

    /**
     * The consent change a message's text asks for, if it is a keyword; {@code optedOut}: whether the contact
     * withdrew, asked only when the text is an opt-in keyword (it is a lookup, and most texts are not keywords).
     */
    Optional<Match> match(String text, java.util.function.BooleanSupplier optedOut) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        // Opt-out is checked first: if an operator ever lists a word in both, withdrawing is the safe reading.
        if (optOut.contains(t)) {
            return Optional.of(new Match(t, Contacts.ConsentStatus.WITHDRAWN, optOutReply));
        }
        if (optIn.contains(t) && optedOut.getAsBoolean()) {
            return Optional.of(new Match(t, Contacts.ConsentStatus.GRANTED, optInReply));
        }
        return Optional.empty();
    }

    /**
     * A keyword found in a message.
     *
     * @param keyword the keyword, upper case
     * @param status  the consent it sets
     * @param reply   the confirmation to send, empty for none
     */
    record Match(String keyword, Contacts.ConsentStatus status, String reply) {
    }
}
