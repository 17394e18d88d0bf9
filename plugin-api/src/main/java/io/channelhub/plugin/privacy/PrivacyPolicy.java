package io.channelhub.plugin.privacy;

import java.util.List;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * A jurisdiction's privacy rules: PII detectors, default retention and data-subject export formats. The hub runs
 * requests, retention jobs and redaction; a policy supplies the rules.
 *
 * <pre>{@code
 * @Extension
 * public class LgpdPolicy implements PrivacyPolicy {
 *     public String jurisdiction() { return "BR-LGPD"; }
 *     ...
 * }
 * }</pre>
 */
public interface PrivacyPolicy extends ExtensionPoint {

    /** The jurisdiction code ({@code BR-LGPD}, {@code EU-GDPR}). */
    String jurisdiction();

    /** Days the controller has to answer a data-subject request. */
    int requestDeadlineDays();

    /** Detectors of personal data in free text. */
    List<PiiDetector> detectors();

    /** Default retention per data category. */
    RetentionDefaults retentionDefaults();

    /** Export formats offered to data subjects ({@code json}, {@code csv}). */
    Set<String> exportFormats();
}
