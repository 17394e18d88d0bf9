package io.channelhub.plugins.web;

import io.channelhub.plugin.InboundRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The origin of the page a widget request comes from, from what a browser sends and a page cannot forge.
 * A cross-origin request (a tenant's site) always carries {@code Origin}. A same-origin GET (the hub's own
 * {@code /demo}) carries none: it is the hub's origin only when the browser says so with
 * {@code Sec-Fetch-Site: same-origin}, or, in a browser older than Fetch Metadata, with a {@code Referer} on the hub's
 * origin. Anything else (no header at all, {@code cross-site}, {@code same-site}, {@code none} for a typed address)
 * names no page, and the widget refuses it like a foreign origin.
 *
 * @param origin   the page's origin in canonical form, or null when the request names none
 * @param evidence what the judgement rests on, for the refusal's log line
 */
record PageOrigin(String origin, String evidence) {

    private static final int SHOWN = 200;

    static PageOrigin of(InboundRequest request) {
        String header = request.header("Origin").orElse(null);
        if (header != null) {
            return new PageOrigin(WidgetSettings.origin(header), "Origin " + shown(header));
        }
        String self = WidgetSettings.origin(request.hubOrigin());
        String site = request.header("Sec-Fetch-Site").map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse(null);
        if (site != null) {
            boolean same = "same-origin".equals(site) && self != null;
            return new PageOrigin(same ? self : null, "no Origin, Sec-Fetch-Site " + shown(site)
                    + (same ? " on " + self : ""));
        }
        String referer = request.header("Referer").map(PageOrigin::originOf).orElse(null);
        if (referer != null && referer.equals(self)) {
            return new PageOrigin(self, "no Origin nor Sec-Fetch-Site, Referer on " + self);
        }
        return new PageOrigin(null, "no Origin nor Sec-Fetch-Site, "
                + (referer == null ? "no Referer" : "Referer on " + referer));
    }

    /** The origin of a page address (a Referer), or null. */
    static String originOf(String url) {
        try {
            URI u = new URI(url.trim());
            if (u.getScheme() == null || u.getRawAuthority() == null) {
                return null;
            }
            return WidgetSettings.origin(u.getScheme() + "://" + u.getRawAuthority());
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** A header value as a log line may show it: one line, bounded. */
    static String shown(String value) {
        String v = value.replaceAll("\\p{Cntrl}", "?");
        return "'" + (v.length() > SHOWN ? v.substring(0, SHOWN) + "…" : v) + "'";
    }
}
