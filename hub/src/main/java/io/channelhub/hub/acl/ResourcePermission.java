package io.channelhub.hub.acl;

import java.util.Locale;

/** Rights on one resource. Any grant implies READ; ADMIN implies every right. */
public enum ResourcePermission {
    READ, UPDATE, DELETE, SHARE, ADMIN;

    public boolean impliedBy(ResourcePermission granted) {
        return granted == this || granted == ADMIN || this == READ;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ResourcePermission fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
