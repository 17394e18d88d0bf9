package io.channelhub.plugins.privacy;

import io.channelhub.plugin.privacy.PiiDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * E-mail addresses as people write them: a local part of letters, digits and {@code . _ % + -} (no leading,
 * trailing or doubled dot, at most 64 characters), {@code @}, and a domain of at least two labels ending in an
 * alphabetic or punycode top-level domain. {@code user@localhost} and {@code postgres@db} are not reported: without a
 * public domain they are host or connection names in configuration, not someone's mailbox. Neither are
 * {@code pkg@1.2.3} (a version) nor {@code icon@2x.png} (an image at double resolution).
 *
 * <p>The search starts from each {@code @} and walks outwards instead of running one regular expression over the
 * whole text: a pattern that starts anywhere in a long run of letters would rescan that run once per character.
 */
final class EmailDetector implements PiiDetector {

    static final String TYPE = "email";

    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_DOMAIN = 255;
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?\\.){1,126}"
                    + "(?:\\p{L}{2,63}|xn--[\\p{L}\\p{N}-]{1,59})(?![\\p{L}\\p{N}-])");
    private static final Pattern RETINA_IMAGE = Pattern.compile(
            "[0-9]+x\\.(?:png|jpe?g|gif|webp|svg)", Pattern.CASE_INSENSITIVE);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<PiiMatch> find(CharSequence text) {
        List<PiiMatch> found = new ArrayList<>();
        int from = 0;
        for (int at = indexOfAt(text, 0); at >= 0; at = indexOfAt(text, at + 1)) {
            if (at < from) {
                continue;
            }
            int start = localPartStart(text, at, from);
            int end = start < 0 ? -1 : domainEnd(text, at);
            if (end > 0) {
                found.add(new PiiMatch(TYPE, start, end));
                from = end;
            }
        }
        return found;
    }

    /**
     * Whether {@code [start, end)} lies inside an address this detector reports. The digit detectors ask, so that
     * {@code 11912345678@s.whatsapp.net} is one e-mail rather than an e-mail and a phone number.
     */
    static boolean withinAddress(CharSequence text, int start, int end) {
        int at = end;
        while (at < text.length() && at - end <= MAX_LOCAL_PART && isLocalChar(text.charAt(at))) {
            at++;
        }
        if (at < text.length() && text.charAt(at) == '@') {
            int local = localPartStart(text, at, 0);
            if (local >= 0 && local <= start && domainEnd(text, at) >= 0) {
                return true;
            }
        }
        int before = start;
        while (before > 0 && start - before <= MAX_DOMAIN && isDomainChar(text.charAt(before - 1))) {
            before--;
        }
        if (before > 0 && text.charAt(before - 1) == '@') {
            int sign = before - 1;
            return localPartStart(text, sign, 0) >= 0 && domainEnd(text, sign) >= end;
        }
        return false;
    }

    /** Where the local part before the {@code @} at {@code at} begins (not before {@code floor}), or -1. */
    private static int localPartStart(CharSequence text, int at, int floor) {
        int start = at;
        while (start > floor && isLocalChar(text.charAt(start - 1))) {
            // A doubled dot cannot be inside a local part, so the address can only begin after it.
            if (text.charAt(start - 1) == '.' && start < at && text.charAt(start) == '.') {
                break;
            }
            start--;
            if (at - start > MAX_LOCAL_PART) {
                return -1;
            }
        }
        while (start < at && text.charAt(start) == '.') {
            start++;
        }
        if (start == at || text.charAt(at - 1) == '.') {
            return -1;
        }
        return start;
    }

    /** Where the domain after the {@code @} at {@code at} ends, or -1. */
    private static int domainEnd(CharSequence text, int at) {
        Matcher domain = DOMAIN.matcher(text).region(at + 1, text.length());
        if (!domain.lookingAt() || domain.end() - domain.start() > MAX_DOMAIN) {
            return -1;
        }
        if (RETINA_IMAGE.matcher(text).region(domain.start(), domain.end()).matches()) {
            return -1;
        }
        return domain.end();
    }

    private static int indexOfAt(CharSequence text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == '@') {
                return i;
            }
        }
        return -1;
    }

    private static boolean isLocalChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean isDomainChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '-';
    }
}
