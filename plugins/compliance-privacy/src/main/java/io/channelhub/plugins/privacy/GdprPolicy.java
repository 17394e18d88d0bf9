package io.channelhub.plugins.privacy;

import io.channelhub.plugin.privacy.PiiDetector;
import io.channelhub.plugin.privacy.PrivacyPolicy;
import io.channelhub.plugin.privacy.RetentionDefaults;
import io.channelhub.plugin.privacy.RetentionDefaults.DataCategory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The EU's General Data Protection Regulation (2016/679). A data subject's request is answered within one month
 * (art. 12(3)), taken as 30 days; the extension by two further months for complex requests is the controller's
 * decision, not a default.
 */
@Extension
public class GdprPolicy implements PrivacyPolicy {

    static final String JURISDICTION = "EU-GDPR";
    static final int REQUEST_DEADLINE_DAYS = 30;

    // Storage limitation (art. 5(1)(e)): no longer than the purpose needs, unless Union or member-state law
    // requires keeping it (art. 17(3)(b)).
    private static final RetentionDefaults RETENTION = new RetentionDefaults(Map.of(
            // A year of history answers a returning customer's follow-ups; keeping chats longer needs a reason the
            // tenant documents.
            DataCategory.CONVERSATIONS, Duration.ofDays(365),
            DataCategory.MESSAGES, Duration.ofDays(365),
            // Photos, voice notes and documents hold more (faces, ID cards) and are rarely needed after the case.
            DataCategory.MEDIA, Duration.ofDays(180),
            // Usage backs the invoices, and member states keep accounting records 6 to 10 years (10 in Germany for
            // books, HGB § 257 and AO § 147; France, Code de commerce L123-22; Italy, Codice civile art. 2220).
            // A hub selling across the Union takes the longest: deleting too early cannot be undone, a tenant in a
            // six-year state can shorten it.
            DataCategory.USAGE_DETAIL, CalendarYears.atMost(10),
            // Accountability (art. 5(2)) needs the trail for as long as a claim can come; five years covers the
            // common limitation periods (France 5, Germany 3 from the year's end).
            DataCategory.AUDIT, CalendarYears.atMost(5)));
    // No period for FILES: knowledge files are the company's documents, kept until it deletes them or sets one.

    @Override
    public String jurisdiction() {
        return JURISDICTION;
    }

    @Override
    public int requestDeadlineDays() {
        return REQUEST_DEADLINE_DAYS;
    }

    @Override
    public List<PiiDetector> detectors() {
        return Detectors.IN_PRECEDENCE_ORDER;
    }

    @Override
    public RetentionDefaults retentionDefaults() {
        return RETENTION;
    }

    /** Portability (art. 20) asks for a structured, commonly used, machine-readable format: JSON and CSV. */
    @Override
    public Set<String> exportFormats() {
        return ExportFormats.MACHINE_READABLE;
    }
}
