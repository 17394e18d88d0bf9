package io.channelhub.plugins.privacy;

import org.pf4j.Plugin;

/**
 * The compliance-privacy plugin: the LGPD ({@link LgpdPolicy}) and GDPR ({@link GdprPolicy}) privacy policies. Its
 * extensions are discovered by pf4j from their {@code @Extension} annotation.
 */
public class PrivacyPlugin extends Plugin {
}
