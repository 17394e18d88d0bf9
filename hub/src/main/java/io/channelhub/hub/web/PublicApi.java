package io.channelhub.hub.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource (or method) that authenticates its callers itself (a channel webhook with a signature, a
 * widget with its key and origin) or needs no credential. Everything else requires an API key.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface PublicApi {

    /** Reads the marker off a matched route. */
    final class Check {
        private Check() {
        }

        /** Whether the matched resource method (or its class) is public. */
        public static boolean isPublic(jakarta.ws.rs.container.ResourceInfo info) {
            return info != null && info.getResourceMethod() != null
                    && (info.getResourceMethod().isAnnotationPresent(PublicApi.class)
                    || info.getResourceClass().isAnnotationPresent(PublicApi.class));
        }
    }
}
