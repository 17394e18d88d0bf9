package io.channelhub.hub.web;

import io.channelhub.hub.console.ConsoleSessions;
import jakarta.ws.rs.core.Cookie;
import java.util.Map;

/** The console's session cookie as a request carries it: the {@code __Host-} name over HTTPS, the plain one else. */
public final class SessionCookies {

    private SessionCookies() {
    }

    /** The session cookie's value from a request's cookies (either name), or null. */
    public static String token(Map<String, Cookie> cookies) {
        Cookie c = cookies.get(ConsoleSessions.SECURE_COOKIE);
        if (c == null) {
            c = cookies.get(ConsoleSessions.COOKIE);
        }
        return c == null ? null : c.getValue();
    }
}
