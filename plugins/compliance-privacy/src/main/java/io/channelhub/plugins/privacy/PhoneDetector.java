package io.channelhub.plugins.privacy;

import io.channelhub.plugin.privacy.PiiDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Telephone numbers, in two families.
 *
 * <p><b>International</b>, after a {@code +}: the country code and number, 8 to 15 digits in all (E.164), compact or
 * in groups split by single spaces or dashes, with parentheses around one group ({@code +5511912345678},
 * {@code +55 (11) 91234-5678}, {@code +1 (415) 555-2671}, {@code +44 20 7946 0958}). When digits follow that cannot
 * belong to the number, the number keeps its longest acceptable leading groups; for {@code +55} that is a
 * Brazilian national number of 10 or 11 digits.
 *
 * <p><b>Brazilian</b>, without {@code +}: a valid area code (DDD, {@code 11} to {@code 99} as Anatel assigns them),
 * optionally in parentheses, after a trunk {@code 0} or after the country code {@code 55}, then a mobile number
 * ({@code 9} and eight digits) or a landline (eight digits beginning with 2 to 5): {@code (11) 91234-5678},
 * {@code 11 9 1234-5678}, {@code 011 91234-5678}, {@code 55 11 91234-5678}, {@code (11) 3456-7890}. Compact digits
 * count only for mobiles ({@code 11912345678}, and {@code 5511912345678} as WhatsApp writes its ids): a bare run of
 * ten digits is far more often an epoch second or a record id than a landline, whose digits are rarely written together.
 *
 * <p>Not reported: dates, amounts, postal codes (CEP) and times, which never have this shape; a number inside a longer
 * number or word or right after a digit and a separator (a card's or an account's digit groups); a number inside an
 * e-mail address; and a compact 11-digit run that is a valid CPF, which the CPF detector (whose boundaries are no
 * stricter than these) reports instead.
 */
final class PhoneDetector implements PiiDetector {

    static final String TYPE = "phone";

    private static final int E164_MIN_DIGITS = 8;
    private static final int E164_MAX_DIGITS = 15;
    private static final String DDD = "(?:1[1-9]|2[12478]|3[1-578]|4[1-9]|5[1345]|6[1-9]|7[134579]|8[1-9]|9[1-9])";
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\p{L}\\p{N}+])(?:"
                    // The candidate only; its groups are read by internationalEnd. Possessive and bounded, so a
                    // long run of digits and spaces costs one pass.
                    + "(?<international>\\+[1-9][0-9 ()\\-]{0,30}+)"
                    + "|(?<!\\p{N}[ .\\-/])(?<national>"
                    + "(?:55[ -]?(?:\\(" + DDD + "\\)|" + DDD + ")|\\(0?" + DDD + "\\)|0?" + DDD + ")"
                    + "[ -]?(?:(?<mobile>9 ?[0-9]{4})|[2-5][0-9]{3})[ -]?[0-9]{4})"
                    + "(?![\\p{L}\\p{N}])(?![.\\-/]\\p{N})"
                    + ")");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<PiiMatch> find(CharSequence text) {
        List<PiiMatch> found = new ArrayList<>();
        Matcher m = PHONE.matcher(text);
        int from = 0;
        while (m.find(from)) {
            int end = m.group("international") != null
                    ? internationalEnd(text, m.start(), m.end())
                    : nationalEnd(m);
            if (end > 0 && !EmailDetector.withinAddress(text, m.start(), end)) {
                found.add(new PiiMatch(TYPE, m.start(), end));
                from = end;
            } else {
                from = m.start() + 1;
            }
        }
        return found;
    }

    private static int nationalEnd(Matcher m) {
        String number = m.group("national");
        boolean compact = number.chars().allMatch(c -> c >= '0' && c <= '9');
        if (compact && m.group("mobile") == null) {
            return -1;
        }
        if (compact && number.length() == 11 && CheckDigits.isCpf(number)) {
            return -1;
        }
        return m.end();
    }

    /**
     * Where the international number that starts with the {@code +} at {@code plus} ends, or -1. Reads digit groups
     * and the separators between them (a space or a dash, or a parenthesis with an optional space or dash on its
     * outer side) up to {@code limit}, and keeps the longest leading groups that make a number.
     */
    private static int internationalEnd(CharSequence text, int plus, int limit) {
        StringBuilder digits = new StringBuilder();
        List<int[]> groupEnds = new ArrayList<>(); // {end index, digits so far}
        boolean open = plus > 0 && text.charAt(plus - 1) == '(';
        int i = plus + 1;
        while (i < limit) {
            int groupStart = i;
            while (i < limit && isDigit(text.charAt(i))) {
                digits.append(text.charAt(i));
                i++;
            }
            if (i == groupStart) {
                break;
            }
            groupEnds.add(new int[] {i, digits.length()});
            int sep = i;
            if (sep < limit && text.charAt(sep) == ')') {
                if (!open) {
                    break;
                }
                open = false;
                sep++;
                if (sep < limit && isSpaceOrDash(text.charAt(sep))) {
                    sep++;
                }
            } else {
                if (sep < limit && isSpaceOrDash(text.charAt(sep))) {
                    sep++;
                }
                if (sep < limit && text.charAt(sep) == '(') {
                    if (open) {
                        break;
                    }
                    open = true;
                    sep++;
                }
            }
            if (sep == i || sep >= limit || !isDigit(text.charAt(sep))) {
                break;
            }
            i = sep;
        }
        boolean brazilian = digits.length() >= 2 && digits.charAt(0) == '5' && digits.charAt(1) == '5';
        int chosen = -1;
        for (int g = groupEnds.size() - 1; g >= 0 && chosen < 0; g--) {
            int count = groupEnds.get(g)[1];
            if (brazilian && (count == 12 || count == 13)) {
                chosen = g;
            }
        }
        for (int g = groupEnds.size() - 1; g >= 0 && chosen < 0; g--) {
            int count = groupEnds.get(g)[1];
            if (count >= E164_MIN_DIGITS && count <= E164_MAX_DIGITS) {
                chosen = g;
            }
        }
        if (chosen < 0) {
            return -1;
        }
        int end = groupEnds.get(chosen)[0];
        boolean whole = chosen == groupEnds.size() - 1;
        // A number cut short by what follows it is kept only when that is another group of digits; a letter or a
        // decimal part right after the last digit means this was never a phone number (+1234567890abc, +12345678.90).
        if (whole && end < text.length()) {
            char next = text.charAt(end);
            boolean decimal = (next == '.' || next == ',' || next == '/')
                    && end + 1 < text.length() && isDigit(text.charAt(end + 1));
            if (Character.isLetterOrDigit(next) || decimal) {
                return -1;
            }
        }
        return end;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpaceOrDash(char c) {
        return c == ' ' || c == '-';
    }
}
