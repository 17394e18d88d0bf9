package io.channelhub.hub.auth;

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
}
