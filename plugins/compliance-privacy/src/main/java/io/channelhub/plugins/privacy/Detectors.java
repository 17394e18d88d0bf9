package io.channelhub.plugins.privacy;

import io.channelhub.plugin.privacy.PiiDetector;
import java.util.List;

/**
 * The detectors that both bundled policies run. They are the same for every jurisdiction because what makes data
 * personal is that it identifies someone, not which country issued it: a CPF in an EU tenant's chat is personal data
 * under the GDPR, a German mobile number in a Brazilian tenant's is under the LGPD.
 *
 * <p><b>Overlaps.</b> Each detector is precise on its own, so that no two of them report the same characters and
 * each span gets one type:
 * <ul>
 *   <li>digits in an e-mail address ({@code 11912345678@s.whatsapp.net}) belong to the address: every other detector
 *       asks {@link EmailDetector#withinAddress} and stays silent;</li>
 *   <li>digits right after a {@code +} are an international phone number: CPF, CNPJ and card refuse them;</li>
 *   <li>a compact 11-digit run with a CPF's check digits is a CPF, even when it is shaped like a mobile number: the
 *       phone detector refuses it (one mobile number in a hundred is affected, and it is still redacted);</li>
 *   <li>a plain 14-digit run with a CNPJ's check digits is a CNPJ, even when it passes Luhn: the card detector refuses
 *       it;</li>
 *   <li>an IPv4 address inside an IPv6 one is reported once, by the IP detector, as the IPv6 address.</li>
 * </ul>
 * Elsewhere the shapes cannot meet: a formatted CPF or CNPJ has dots, a slash and a dash where no phone, card or IP
 * has them; a phone detector never starts after a digit and a separator, so it never starts inside a card's groups;
 * cards start at 13 digits, CPFs have 11; IPs need four dotted octets or colons. The list is ordered most specific
 * first (check digits before shape alone) so that a caller that still meets an overlap, say from a tenant's own
 * pattern, can resolve it by preferring the earlier detector.
 */
final class Detectors {

    /** Thread-safe: every detector is stateless with precompiled patterns, and the list is immutable. */
    static final List<PiiDetector> IN_PRECEDENCE_ORDER = List.of(
            new EmailDetector(),
            new CpfDetector(),
            new CnpjDetector(),
            new CardDetector(),
            new IpDetector(),
            new PhoneDetector());

    private Detectors() {
    }
}
