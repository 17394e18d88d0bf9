package io.channelhub.hub.acl;

import java.util.Locale;

/** Kinds of tenant resources that the resource ACL covers. */
public enum ResourceType {
    AGENT, PROMPT, VECTOR_STORE, FILE, CONVERSATION, WEBHOOK, JOB, LEAD, CHANNEL_INSTANCE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ResourceType fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
