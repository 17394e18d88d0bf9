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
 * Brazil's Lei Geral de Proteção de Dados (Lei 13.709/2018). A data subject's request for a complete account of
 * their data is answered within 15 days of the request (art. 19, II).
 */
@Extension
public class LgpdPolicy implements PrivacyPolicy {

    static final String JURISDICTION = "BR-LGPD";
    static final int REQUEST_DEADLINE_DAYS = 15;

    // The LGPD sets no period: data goes when its purpose is met (arts. 15 and 16), unless a legal duty keeps it.
    private static final RetentionDefaults RETENTION = new RetentionDefaults(Map.of(
            // A year of history answers a returning customer and covers the complaint windows of the consumer code
            // (CDC art. 26: 30 and 90 days); keeping chats longer needs a reason the tenant states.
            DataCategory.CONVERSATIONS, Duration.ofDays(365),
            DataCategory.MESSAGES, Duration.ofDays(365),
            // Photos, voice notes and documents hold more (faces, ID cards) and are rarely needed after the case.
            DataCategory.MEDIA, Duration.ofDays(180),
            // Usage backs the invoices. The tax authority may assess for five years counted from 1 January after
            // the taxable event (CTN art. 173, I; art. 195 keeps the records until then), so a January record is
            // needed for almost six years; deleting too early cannot be undone, shortening can.
            DataCategory.USAGE_DETAIL, CalendarYears.atMost(6),
            // Who did what, kept for the five years in which a consumer can claim damages (CDC art. 27); it
            // outlasts Marco Civil's six months of access logs (Lei 12.965/2014, art. 15).
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

    /** Portability (art. 18, V) asks for a format another controller can read: structured JSON, tabular CSV. */
    @Override
    public Set<String> exportFormats() {
        return ExportFormats.MACHINE_READABLE;
    }
}
