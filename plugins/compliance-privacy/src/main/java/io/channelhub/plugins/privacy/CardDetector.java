package io.channelhub.plugins.privacy;

import io.channelhub.plugin.privacy.PiiDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Payment card numbers: 13 to 19 digits, plain ({@code 4111111111111111}) or in groups split by spaces or by dashes
 * ({@code 4111 1111 1111 1111}, {@code 3782 822463 10005}, {@code 5555-5555-5555-4444}), always Luhn-valid.
 *
 * <p>Luhn alone lets one random digit run in ten through, and text is full of long digit runs, so two cheap facts about
 * issuer numbers (ISO/IEC 7812) are checked too. The first digit of a card is 2 to 6 (1 only for 15-digit UATP air
 * travel cards): this keeps out epoch timestamps in milliseconds and microseconds ({@code 1767225600009}), which begin
 * with 1. And where the brand of a prefix is certain, its length is: American Express (34, 37) has 15 digits, Visa (4)
 * 13, 16 or 19, Mastercard (51-55, 2221-2720) 16; this keeps out a Brazilian WhatsApp id such as
 * {@code 5511912345007}. Other prefixes (Elo, Hipercard, Maestro, Discover, ...) are accepted at any length, so a
 * brand added later is still found.
 *
 * <p>A group run that is too long for a card keeps its longest Luhn-valid leading part, so the number is still found
 * when an expiry or a security code follows it. Not reported: a run inside a longer number or word, after a {@code +}
 * (an international phone number), inside an e-mail address, or a plain 14-digit run that is a valid CNPJ (the CNPJ
 * detector, whose boundaries are no stricter than these, reports it).
 */
final class CardDetector implements PiiDetector {

    static final String TYPE = "card";

    private static final int MIN_DIGITS = 13;
    private static final int MAX_DIGITS = 19;
    private static final int MIN_GROUPS = 3;
    private static final Pattern CARD = Pattern.compile(
            "(?<![\\p{L}\\p{N}+])(?<![\\p{L}\\p{N}][.,\\-/])(?:"
                    + "(?<plain>[0-9]{13,19})(?![\\p{L}\\p{N}])(?![.,\\-/]\\p{N})"
                    + "|(?<grouped>[0-9]{4}(?<sep>[ -])[0-9]{3,6}(?![0-9])(?:\\k<sep>[0-9]{3,6}(?![0-9])){1,3})"
                    + "(?!\\p{L})"
                    + ")");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<PiiMatch> find(CharSequence text) {
        List<PiiMatch> found = new ArrayList<>();
        Matcher m = CARD.matcher(text);
        int from = 0;
        while (m.find(from)) {
            int end = m.group("plain") != null ? plainEnd(text, m) : groupedEnd(text, m);
            if (end > 0) {
                found.add(new PiiMatch(TYPE, m.start(), end));
                from = end;
            } else {
                // A rejected run of groups may still hold a card after its first group.
                from = m.start() + 1;
            }
        }
        return found;
    }

    private static int plainEnd(CharSequence text, Matcher m) {
        String digits = m.group("plain");
        if (digits.length() == 14 && CheckDigits.isCnpj(digits)) {
            return -1;
        }
        return isCardNumber(digits) && !EmailDetector.withinAddress(text, m.start(), m.end()) ? m.end() : -1;
    }

    private static int groupedEnd(CharSequence text, Matcher m) {
        String run = m.group("grouped");
        char sep = m.group("sep").charAt(0);
        List<Integer> groupEnds = new ArrayList<>();
        for (int i = 0; i < run.length(); i++) {
            if (run.charAt(i) == sep) {
                groupEnds.add(i);
            }
        }
        groupEnds.add(run.length());
        for (int groups = groupEnds.size(); groups >= MIN_GROUPS; groups--) {
            int length = groupEnds.get(groups - 1);
            String digits = run.substring(0, length).replace(String.valueOf(sep), "");
            int end = m.start() + length;
            if (isCardNumber(digits) && !EmailDetector.withinAddress(text, m.start(), end)) {
                return end;
            }
        }
        return -1;
    }

    private static boolean isCardNumber(String digits) {
        int n = digits.length();
        return n >= MIN_DIGITS && n <= MAX_DIGITS && plausibleIssuer(digits) && CheckDigits.passesLuhn(digits);
    }

    private static boolean plausibleIssuer(String digits) {
        int n = digits.length();
        char first = digits.charAt(0);
        if (first == '1') {
            return n == 15;
        }
        if (first < '2' || first > '6') {
            return false;
        }
        int two = Integer.parseInt(digits.substring(0, 2));
        int four = Integer.parseInt(digits.substring(0, 4));
        if (two == 34 || two == 37) {
            return n == 15;
        }
        if (first == '4') {
            return n == 13 || n == 16 || n == 19;
        }
        if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) {
            return n == 16;
        }
        return true;
    }
}
