package io.channelhub.hub.leads;

import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.conversations.Conversation;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.privacy.ContentRedaction;
import io.channelhub.hub.webhooks.Webhooks;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * A tenant's sales leads: one per conversation, reported by a plugin that reads conversations (a turn observer), kept
 * and worked here. A report is merged into the conversation's lead (what it leaves out stays as it was); a lead whose
 * score reaches the tenant's threshold is qualified once: it moves from {@code new} to {@code qualified}, a signed
 * {@code lead.qualified} webhook goes out, and it is metered ({@code leads.qualified}) and audited. People move leads
 * through the later stages. What is stored passes the tenant's content redaction, like a message.
 */
public class LeadBook {

    /** The pipeline, in order. */
    public static final List<String> STAGES = List.of("new", "qualified", "contacted", "proposal", "won", "lost");
    /** The threshold of a tenant that set none. */
    public static final int DEFAULT_QUALIFY_AT = 60;
    public static final String QUALIFIED_EVENT = "lead.qualified";

    private final Jdbi jdbi;
    private final ContentRedaction redaction;
    private final UsageLedger ledger;
    private final Webhooks webhooks;
    private final AuditLog audit;
    private final Clock clock;
    private final RowMapper<Lead> mapper;

    public LeadBook(Jdbi jdbi, ContentRedaction redaction, UsageLedger ledger, Webhooks webhooks, AuditLog audit,
                    Clock clock) {
        this.jdbi = jdbi;
        this.redaction = redaction;
        this.ledger = ledger;
        this.webhooks = webhooks;
        this.audit = audit;
        this.clock = clock;
        this.mapper = (rs, ctx) -> {
            var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            return new Lead(rs.getString("id"), rs.getString("tenant_id"), rs.getString("conversation_id"),
                    rs.getString("channel_instance_id"), rs.getString("end_user_id"), rs.getString("source_plugin"),
                    rs.getString("intent"), rs.getInt("score"), rs.getString("stage"), rs.getString("contact_name"),
                    rs.getString("email"), rs.getString("phone"), rs.getString("company"), rs.getString("job_title"),
                    rs.getString("summary"), rs.getString("owner_principal_id"),
                    instants.map(rs, "qualified_at", ctx), instants.map(rs, "created_at", ctx),
                    instants.map(rs, "updated_at", ctx));
        };
    }

    /** What a plugin reports (the plugin API's {@code Leads.Report}, checked). */
    public record Report(String intent, int score, String name, String email, String phone, String company,
                         String role, String summary) {
    }

    /**
     * Merges a plugin's report into the conversation's lead, creating it the first time; qualifies it when the score
     * reaches the tenant's threshold.
     */
    public Lead report(Conversation c, String pluginId, Report r) {
        if (r.score() < 0 || r.score() > 100) {
            throw new IllegalArgumentException("a lead's score is 0 to 100: " + r.score());
        }
        String t = c.tenantId();
        Instant now = clock.instant();
        int threshold = qualifyAt(t);
        boolean[] qualifiedNow = new boolean[1];
        Lead lead = jdbi.inTransaction(h -> {
            Optional<Lead> before = h.createQuery("SELECT * FROM leads WHERE tenant_id = :t AND conversation_id = :c "
                    + "FOR UPDATE").bind("t", t).bind("c", c.id()).map(mapper).findOne();
            boolean qualifies = r.score() >= threshold;
            if (before.isEmpty()) {
                String id = Ids.newId("lead");
                try {
                    h.createUpdate("INSERT INTO leads (id, tenant_id, conversation_id, channel_instance_id, end_user_id, "
                                    + "source_plugin, intent, score, stage, contact_name, email, phone, company, job_title, "
                                    + "summary, qualified_at, created_at, updated_at) VALUES (:id, :t, :c, :ci, :u, :p, "
                                    + ":intent, :score, :stage, :name, :email, :phone, :company, :role, :summary, :q, :at, "
                                    + ":at)")
                            .bind("id", id).bind("t", t).bind("c", c.id()).bind("ci", c.channelInstanceId())
                            .bind("u", c.endUserId()).bind("p", pluginId).bind("intent", cut(r.intent(), 64))
                            .bind("score", r.score()).bind("stage", qualifies ? "qualified" : "new")
                            .bind("name", clean(t, r.name(), 200)).bind("email", clean(t, r.email(), 254))
                            .bind("phone", clean(t, r.phone(), 64)).bind("company", clean(t, r.company(), 200))
                            .bind("role", clean(t, r.role(), 200)).bind("summary", clean(t, r.summary(), 1000))
                            .bind("q", qualifies ? now : null).bind("at", now).execute();
                } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException raced) {
                    // Another replica created it a moment ago: this report is merged by its redelivery.
                    throw new IllegalStateException("the lead of conversation " + c.id() + " was created meanwhile",
                            raced);
                }
                qualifiedNow[0] = qualifies;
            } else {
                Lead b = before.get();
                boolean newly = qualifies && b.qualifiedAt() == null;
                h.createUpdate("UPDATE leads SET intent = COALESCE(:intent, intent), score = :score, "
                                + "contact_name = COALESCE(:name, contact_name), email = COALESCE(:email, email), "
                                + "phone = COALESCE(:phone, phone), company = COALESCE(:company, company), "
                                + "job_title = COALESCE(:role, job_title), summary = COALESCE(:summary, summary), "
                                + "stage = :stage, qualified_at = COALESCE(qualified_at, :q), updated_at = :at "
                                + "WHERE tenant_id = :t AND id = :id")
                        .bind("intent", cut(r.intent(), 64)).bind("score", r.score())
                        .bind("name", clean(t, r.name(), 200)).bind("email", clean(t, r.email(), 254))
                        .bind("phone", clean(t, r.phone(), 64)).bind("company", clean(t, r.company(), 200))
                        .bind("role", clean(t, r.role(), 200)).bind("summary", clean(t, r.summary(), 1000))
                        .bind("stage", newly && "new".equals(b.stage()) ? "qualified" : b.stage())
                        .bind("q", newly ? now : null).bind("at", now).bind("t", t).bind("id", b.id()).execute();
                qualifiedNow[0] = newly;
            }
            Lead after = h.createQuery("SELECT * FROM leads WHERE tenant_id = :t AND conversation_id = :c")
                    .bind("t", t).bind("c", c.id()).map(mapper).one();
            if (qualifiedNow[0]) {
                ledger.insert(h, List.of(qualifiedUsage(after)));
            }
            return after;
        });
        if (qualifiedNow[0]) {
            ledger.recorded(qualifiedUsage(lead));
            webhooks.emit(t, QUALIFIED_EVENT, Map.of("lead", LeadView.of(lead)));
            audit.success(null, t, "lead.qualify", "lead", lead.id(), Map.of("score", lead.score(),
                    "threshold", threshold, "source_plugin", pluginId));
        }
        return lead;
    }

    private static UsageLedger.UsageEvent qualifiedUsage(Lead l) {
        return new UsageLedger.UsageEvent(l.tenantId(), "leads.qualified", 1, "lead", null, l.channelInstanceId(),
                null, null, "lead:" + l.id());
    }

    public Optional<Lead> ofConversation(String tenantId, String conversationId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM leads WHERE tenant_id = :t AND conversation_id = :c")
                .bind("t", tenantId).bind("c", conversationId).map(mapper).findOne());
    }

    public Optional<Lead> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM leads WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).map(mapper).findOne());
    }

    /**
     * A page of a tenant's leads, most recently changed first ({@code stage} null: every stage), after the lead
     * changed at {@code afterAt} with id {@code afterId} (both null: from the newest). An index serves each form
     * ({@code ix_leads_recent}, {@code ix_leads_stage}), so a page reads its rows and not the tenant's whole board.
     */
    public List<Lead> list(String tenantId, String stage, Instant afterAt, String afterId, int limit) {
        String after = afterAt == null ? "" : " AND (updated_at < :at OR (updated_at = :at AND id < :after))";
        String sql = "SELECT * FROM leads WHERE tenant_id = :t" + (stage == null ? "" : " AND stage = :s") + after
                + " ORDER BY updated_at DESC, id DESC LIMIT :n";
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql).bind("t", tenantId).bind("n", limit);
            if (stage != null) {
                q.bind("s", stage);
            }
            if (afterAt != null) {
                q.bind("at", afterAt).bind("after", afterId);
            }
            return q.map(mapper).list();
        });
    }

    /** Moves a lead to a stage and/or gives it an owner (null: unchanged). */
    public Lead update(Lead l, String stage, String ownerPrincipalId) {
        if (stage != null && !STAGES.contains(stage)) {
            throw Failure.invalid("invalid_field", "stage is one of " + STAGES, Map.of("field", "stage"));
        }
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("UPDATE leads SET stage = COALESCE(:s, stage), owner_principal_id = "
                        + "COALESCE(:o, owner_principal_id), updated_at = :at WHERE tenant_id = :t AND id = :id")
                .bind("s", stage).bind("o", ownerPrincipalId).bind("at", now).bind("t", l.tenantId())
                .bind("id", l.id()).execute());
        return find(l.tenantId(), l.id()).orElseThrow(() -> Failure.notFound("lead"));
    }

    public void delete(Lead l) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM leads WHERE tenant_id = :t AND id = :id")
                .bind("t", l.tenantId()).bind("id", l.id()).execute());
    }

    /**
     * A tenant's lead settings: the score from which its leads are qualified, and the model it chose to read its
     * conversations for leads (provider and model both null: none, the plugin's rules).
     */
    public record Settings(int qualifyAt, String modelProvider, String model) {
    }

    /** The score from which a tenant's leads are qualified. */
    public int qualifyAt(String tenantId) {
        return settings(tenantId).qualifyAt();
    }

    public Settings settings(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT qualify_at, model_provider, model FROM lead_settings "
                        + "WHERE tenant_id = :t").bind("t", tenantId)
                .map((rs, ctx) -> new Settings(rs.getInt(1), rs.getString(2), rs.getString(3))).findOne())
                .orElse(new Settings(DEFAULT_QUALIFY_AT, null, null));
    }

    /**
     * Changes the tenant's settings: {@code change} gets the current ones under the row's lock, so two changes at
     * once (two admins, two fields) both apply. The caller checked that a named provider exists.
     */
    public Settings update(String tenantId, java.util.function.UnaryOperator<Settings> change) {
        Instant now = clock.instant();
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO lead_settings (tenant_id, qualify_at, updated_at) SELECT "
                            + ":t, :q, :at FROM (SELECT 1 AS one) x WHERE NOT EXISTS (SELECT 1 FROM lead_settings "
                            + "WHERE tenant_id = :t)").bind("t", tenantId).bind("q", DEFAULT_QUALIFY_AT).bind("at", now)
                    .execute());
        } catch (RuntimeException e) {
            if (!io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                throw e;
            }
            // Another request created the row a moment ago: it is there to lock.
        }
        return jdbi.inTransaction(h -> {
            Settings current = h.createQuery("SELECT qualify_at, model_provider, model FROM lead_settings WHERE "
                            + "tenant_id = :t FOR UPDATE").bind("t", tenantId)
                    .map((rs, ctx) -> new Settings(rs.getInt(1), rs.getString(2), rs.getString(3))).one();
            Settings s = change.apply(current);
            validate(s);
            h.createUpdate("UPDATE lead_settings SET qualify_at = :q, model_provider = :p, model = :m, updated_at = :at "
                            + "WHERE tenant_id = :t").bind("q", s.qualifyAt()).bind("p", s.modelProvider())
                    .bind("m", s.model()).bind("at", now).bind("t", tenantId).execute();
            return s;
        });
    }

    private static void validate(Settings s) {
        if (s.qualifyAt() < 0 || s.qualifyAt() > 100) {
            throw Failure.invalid("invalid_field", "qualify_at is 0 to 100", Map.of("field", "qualify_at"));
        }
        if ((s.modelProvider() == null) != (s.model() == null)) {
            throw Failure.invalid("invalid_field", "model_provider and model are set together (or both null)",
                    Map.of("field", s.model() == null ? "model" : "model_provider"));
        }
        if (s.modelProvider() != null && (s.modelProvider().isBlank() || s.modelProvider().length() > 64)) {
            throw Failure.invalid("invalid_field", "model_provider is a provider id of at most 64 characters",
                    Map.of("field", "model_provider"));
        }
        if (s.model() != null && (s.model().isBlank() || s.model().length() > 128)) {
            throw Failure.invalid("invalid_field", "model is a model name of at most 128 characters",
                    Map.of("field", "model"));
        }
    }

    private String clean(String tenantId, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return cut(redaction.forStorage(tenantId, value.strip()), max);
    }

    private static String cut(String s, int max) {
        return s == null ? null : s.length() > max ? s.substring(0, max) : s;
    }
}
