package io.channelhub.hub.privacy;

import io.channelhub.hub.persistence.Constraints;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Redaction of what the hub stores and sends to models, where the tenant turned it on: a user's message before it
 * is stored (so neither history nor the agent ever holds the data), and the conversation before it goes into a
 * model prompt. Every find is counted per day, target and kind: the redaction report.
 */
public class ContentRedaction {

    private final Jdbi jdbi;
    private final PrivacySettings settings;
    private final Clock clock;

    public ContentRedaction(Jdbi jdbi, PrivacySettings settings, Clock clock) {
        this.jdbi = jdbi;
        this.settings = settings;
        this.clock = clock;
    }

    /** A user's message as it is to be stored. */
    public String forStorage(String tenantId, String text) {
        return apply(tenantId, text, settings.get(tenantId).redaction().messages(), "messages");
    }

    /** A message as it is to go into a model prompt. */
    public String forPrompt(String tenantId, String text) {
        return apply(tenantId, text, settings.get(tenantId).redaction().prompts(), "prompts");
    }

    private String apply(String tenantId, String text, String mode, String target) {
        if (text == null || "off".equals(mode)) {
            return text;
        }
        Redactor.Result r = settings.redactor(tenantId).apply(text, PrivacySettings.mode(mode));
        r.counts().forEach((type, n) -> count(tenantId, target, type, n));
        return r.text();
    }

    private void count(String tenantId, String target, String type, int n) {
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        for (int attempt = 0; attempt < 3; attempt++) {
            int updated = jdbi.withHandle(h -> h.createUpdate("UPDATE redaction_counts SET hits = hits + :n WHERE "
                            + "tenant_id = :t AND count_day = :d AND target = :g AND pii_type = :p")
                    .bind("n", n).bind("t", tenantId).bind("d", day).bind("g", target).bind("p", type).execute());
            if (updated == 1) {
                return;
            }
            try {
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO redaction_counts (tenant_id, count_day, target, pii_type, hits) "
                                + "VALUES (:t, :d, :g, :p, :n)")
                        .bind("t", tenantId).bind("d", day).bind("g", target).bind("p", type).bind("n", n).execute());
                return;
            } catch (RuntimeException e) {
                if (!Constraints.isUniqueViolation(e)) {
                    throw e;
                }
                // Another request counted the first find of the day: add to its row.
            }
        }
    }

    /** Finds per day, target and kind, newest first. */
    public List<Map<String, Object>> report(String tenantId, LocalDate from) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count_day, target, pii_type, hits FROM redaction_counts WHERE "
                        + "tenant_id = :t AND count_day >= :f ORDER BY count_day DESC, target, pii_type")
                .bind("t", tenantId).bind("f", from)
                .map((rs, ctx) -> Map.<String, Object>of("day", rs.getDate(1).toLocalDate().toString(), "target",
                        rs.getString(2), "pii_type", rs.getString(3), "hits", rs.getLong(4))).list());
    }
}
