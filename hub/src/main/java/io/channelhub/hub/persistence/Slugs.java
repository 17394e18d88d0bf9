package io.channelhub.hub.persistence;

import io.channelhub.hub.errors.Failure;
import java.util.Map;
import java.util.regex.Pattern;

/** Slugs: the readable, URL-safe names of tenants, agents and prompts. */
public final class Slugs {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])");

    private Slugs() {
    }

    public static void check(String slug) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw Failure.invalid("invalid_slug",
                    "slug must be 3-63 lower-case letters, digits or dashes, not starting or ending with a dash",
                    Map.of("field", "slug"));
        }
    }
}
