package io.channelhub.plugins.privacy;

import io.channelhub.plugin.privacy.PiiDetector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IP addresses. IPv4 as four dotted decimal octets of 0 to 255 without leading zeros ({@code 192.168.0.1}, also before
 * a port or a prefix length: {@code 10.0.0.1:8080}, {@code 10.0.0.0/8}). IPv6 in full, compressed or IPv4-suffixed
 * form ({@code 2001:db8:0:0:0:0:2:1}, {@code 2001:db8::1}, {@code ::1}, {@code ::ffff:192.0.2.1}).
 *
 * <p>Not reported: version strings ({@code 1.2.3}, {@code v1.2.3.4}, {@code 1.2.3.4.5}), out-of-range or zero-padded
 * octets ({@code 256.1.1.1}, {@code 010.0.0.1}, which some parsers read as octal), times ({@code 10:30:45}), MAC
 * addresses (six groups), and colon-separated hex without a decimal digit ({@code ::}, {@code Cafe::bad}): that is
 * a separator or a C++ or Rust path far more often than an address. An IPv4 address inside an IPv6 one is
 * reported once, as part of it; one inside an e-mail domain is the e-mail's.
 */
final class IpDetector implements PiiDetector {

    static final String TYPE = "ip";

    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    private static final String DOTTED_QUAD = OCTET + "(?:\\." + OCTET + "){3}";
    private static final Pattern IPV4_TEXT = Pattern.compile(DOTTED_QUAD);
    private static final Pattern IPV4 = Pattern.compile(
            "(?<![\\p{L}\\p{N}])(?<!\\p{N}\\.)" + DOTTED_QUAD + "(?![\\p{L}\\p{N}])(?!\\.\\p{N})");
    /** A candidate, validated by {@link #isIpv6}: hex and colons with a colon among the first five chars. */
    private static final Pattern IPV6 = Pattern.compile(
            "(?<![\\p{L}\\p{N}:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{2,45}+(?:\\.[0-9]{1,3}){0,3}+"
                    + "(?![\\p{L}\\p{N}])(?!\\.\\p{N})");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<PiiMatch> find(CharSequence text) {
        List<PiiMatch> found = new ArrayList<>();
        Matcher v6 = IPV6.matcher(text);
        while (v6.find()) {
            int end = ipv6End(v6.group(), v6.start());
            if (end > 0 && !EmailDetector.withinAddress(text, v6.start(), end)) {
                found.add(new PiiMatch(TYPE, v6.start(), end));
            }
        }
        List<PiiMatch> v6Found = List.copyOf(found);
        int next = 0; // both lists are in text order: the first IPv6 hit that does not end before this IPv4 one
        Matcher v4 = IPV4.matcher(text);
        while (v4.find()) {
            int start = v4.start();
            int end = v4.end();
            while (next < v6Found.size() && v6Found.get(next).end() <= start) {
                next++;
            }
            boolean insideV6 = next < v6Found.size() && v6Found.get(next).start() <= start;
            if (!insideV6 && !EmailDetector.withinAddress(text, start, end)) {
                found.add(new PiiMatch(TYPE, start, end));
            }
        }
        found.sort(Comparator.comparingInt(PiiMatch::start));
        return found;
    }

    /** The end of the address in a candidate at {@code start}, allowing for a colon of the sentence after it; or -1. */
    private static int ipv6End(String candidate, int start) {
        if (isIpv6(candidate)) {
            return start + candidate.length();
        }
        if (candidate.endsWith(":") && !candidate.endsWith("::")) {
            String trimmed = candidate.substring(0, candidate.length() - 1);
            if (isIpv6(trimmed)) {
                return start + trimmed.length();
            }
        }
        return -1;
    }

    private static boolean isIpv6(String s) {
        if (s.chars().noneMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        String[] head;
        String[] tail;
        if (gap < 0) {
            head = s.split(":", -1);
            tail = new String[0];
        } else {
            head = gap == 0 ? new String[0] : s.substring(0, gap).split(":", -1);
            tail = gap + 2 == s.length() ? new String[0] : s.substring(gap + 2).split(":", -1);
        }
        String[] last = gap >= 0 ? tail : head;
        int groups = 0;
        for (String[] part : new String[][] {head, tail}) {
            for (int i = 0; i < part.length; i++) {
                boolean finalGroup = part == last && i == part.length - 1;
                if (finalGroup && part[i].indexOf('.') >= 0) {
                    if (!IPV4_TEXT.matcher(part[i]).matches()) {
                        return false;
                    }
                    groups += 2;
                } else if (HEX_GROUP.matcher(part[i]).matches()) {
                    groups++;
                } else {
                    return false;
                }
            }
        }
        return gap < 0 ? groups == 8 : groups <= 7;
    }
}
