package io.channelhub.plugins.privacy;

import org.pf4j.Plugin;

/** The compliance-privacy plugin: GDPR and LGPD privacy compliance. Its extensions are discovered by pf4j from their {@code @Extension} annotation. */
public class PrivacyPlugin extends Plugin {
}
