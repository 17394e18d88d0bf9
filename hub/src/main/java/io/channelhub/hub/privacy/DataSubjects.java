package io.channelhub.hub.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * What the hub holds about one data subject of a tenant — an end user known by their channel id (a phone number, a
 * visitor id) or by the integrator's end-user id — found in the core's tables and in every plugin's document store
 * (documents are tagged with their contact): exported as JSON and CSV in one archive, or erased. Erasure deletes,
 * except what must stay for proof or billing: the consent ledger (proof of what the subject allowed) and the audit
 * log keep their rows with the subject replaced by a pseudonym, and outbox payloads that carried the subject's
 * messages are blanked.
 */
public class DataSubjects {

    /** Why rows are kept when a subject is erased (recorded with the request). */
    public static final Map<String, String> LEGAL_BASIS = Map.of(
            "consent_records", "proof of consent and its withdrawal (LGPD art. 16 II and 8 §2; GDPR art. 7(1), "
                    + "17(3)(b))",
            "audit_log", "security and accountability records (LGPD art. 16 I and 37; GDPR art. 5(2), 17(3)(b),(e))");

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final String salt;
    /** Sections kept by other concerns (knowledge files mentioning the subject). */
    private final List<SubjectData> more;

    public DataSubjects(Jdbi jdbi, ObjectMapper json, String salt) {
        this(jdbi, json, salt, List.of());
    }

    public DataSubjects(Jdbi jdbi, ObjectMapper json, String salt, List<SubjectData> more) {
        this.jdbi = jdbi;
        this.json = json;
        this.salt = salt;
        this.more = List.copyOf(more);
    }

    /** The pseudonym that replaces a subject in what is kept: stable per tenant, not reversible. */
    public String pseudonym(String tenantId, String subject) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((salt + ":" + tenantId + ":").getBytes(StandardCharsets.UTF_8));
            return "erased:" + HexFormat.of().formatHex(md.digest(subject.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every row about the subject, by table (section). */
    public Map<String, List<Map<String, Object>>> collect(String tenantId, String subject) {
        Map<String, List<Map<String, Object>>> out = core(tenantId, subject);
        for (SubjectData d : more) {
            out.put(d.section(), d.collect(tenantId, subject));
        }
        return out;
    }

    private Map<String, List<Map<String, Object>>> core(String tenantId, String subject) {
        return jdbi.withHandle(h -> {
            Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
            out.put("contacts", rows(h, "SELECT id, channel_instance_id, external_id, display_name, profile, created_at, "
                    + "last_seen_at, last_inbound_at, reachability FROM contacts WHERE tenant_id = :t AND external_id = "
                    + ":s", tenantId, subject));
            List<Map<String, Object>> conversations = rows(h, "SELECT id, agent_id, channel_instance_id, end_user_id, "
                    + "title, status, created_at, last_message_at, handoff_state, handoff_reason, handoff_at FROM conversations "
                    + "WHERE tenant_id = :t AND "
                    + "end_user_id = :s ORDER BY created_at", tenantId, subject);
            out.put("conversations", conversations);
            List<Map<String, Object>> messages = new ArrayList<>();
            for (Map<String, Object> c : conversations) {
                messages.addAll(rows(h, "SELECT id, conversation_id, role, content, status, external_id, author_name, created_at "
                        + "FROM messages WHERE tenant_id = :t AND conversation_id = :s ORDER BY seq", tenantId,
                        (String) c.get("id")));
            }
            out.put("messages", messages);
            List<Map<String, Object>> annotations = new ArrayList<>();
            for (Map<String, Object> c : conversations) {
                annotations.addAll(rows(h, "SELECT conversation_id, plugin_id, name, note_value, updated_at FROM "
                        + "conversation_annotations WHERE tenant_id = :t AND conversation_id = :s ORDER BY plugin_id, "
                        + "name", tenantId, (String) c.get("id")));
            }
            out.put("conversation_annotations", annotations);
            out.put("leads", rows(h, "SELECT id, conversation_id, channel_instance_id, source_plugin, intent, score, "
                    + "stage, contact_name, email, phone, company, job_title, summary, qualified_at, created_at, "
                    + "updated_at FROM leads WHERE tenant_id = :t AND end_user_id = :s ORDER BY created_at", tenantId,
                    subject));
            out.put("media", rows(h, "SELECT id, channel_instance_id, content_type, file_name, size_bytes, sha256, "
                    + "created_at FROM media WHERE tenant_id = :t AND contact_external_id = :s", tenantId, subject));
            out.put("consent", rows(h, "SELECT channel_instance_id, purpose, status, method, evidence, occurred_at, "
                    + "recorded_at FROM consent_records WHERE tenant_id = :t AND contact_external_id = :s ORDER BY "
                    + "occurred_at, id", tenantId, subject));
            out.put("channel_events", rows(h, "SELECT id, channel_instance_id, plugin_id, external_id, event_type, "
                    + "payload, status, received_at FROM inbound_events WHERE tenant_id = :t AND contact_external_id = "
                    + ":s ORDER BY received_at", tenantId, subject));
            out.put("deliveries", rows(h, "SELECT id, channel_instance_id, message_id, part, kind, channel_message_id, "
                    + "status, error_code, error_title, error_details, created_at FROM channel_deliveries WHERE "
                    + "tenant_id = :t AND "
                    + "contact_external_id = :s", tenantId, subject));
            out.put("plugin_documents", rows(h, "SELECT plugin_id, collection, doc_key, body, updated_at FROM "
                    + "plugin_documents WHERE tenant_id = :t AND contact_external_id = :s ORDER BY plugin_id, "
                    + "collection, doc_key", tenantId, subject));
            return out;
        });
    }

    /** One ZIP: {@code subject.json} with every section, and {@code <section>.csv} for each non-empty one. */
    public byte[] archive(String tenantId, String subject, Map<String, Object> request) {
        Map<String, List<Map<String, Object>>> data = collect(tenantId, subject);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("request", request);
            doc.put("subject", subject);
            doc.put("data", data);
            zip.putNextEntry(new ZipEntry("subject.json"));
            zip.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
            zip.closeEntry();
            for (var section : data.entrySet()) {
                if (section.getValue().isEmpty()) {
                    continue;
                }
                zip.putNextEntry(new ZipEntry(section.getKey() + ".csv"));
                zip.write(csv(section.getValue()).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Erases the subject; returns, per table, how many rows were deleted and how many kept pseudonymised. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> erase(String tenantId, String subject) {
        Map<String, Object> report = eraseCore(tenantId, subject);
        Map<String, Integer> deleted = (Map<String, Integer>) report.get("deleted");
        // After the core's commit: these sections keep state outside this transaction (a replica's search index).
        for (SubjectData d : more) {
            deleted.put(d.section(), d.erase(tenantId, subject));
        }
        return report;
    }

    private Map<String, Object> eraseCore(String tenantId, String subject) {
        String alias = pseudonym(tenantId, subject);
        return jdbi.inTransaction(h -> {
            Map<String, Integer> deleted = new LinkedHashMap<>();
            Map<String, Integer> kept = new LinkedHashMap<>();
            List<String> conversations = h.createQuery("SELECT id FROM conversations WHERE tenant_id = :t AND "
                    + "end_user_id = :s").bind("t", tenantId).bind("s", subject).mapTo(String.class).list();
            Set<String> messages = new LinkedHashSet<>();
            for (String c : conversations) {
                messages.addAll(h.createQuery("SELECT id FROM messages WHERE tenant_id = :t AND conversation_id = :c")
                        .bind("t", tenantId).bind("c", c).mapTo(String.class).list());
            }
            int blanked = 0;
            for (String c : conversations) {
                // Webhook payloads of the subject's messages carried their text.
                blanked += h.createUpdate("UPDATE outbox SET payload = '{\"erased\":true}' WHERE tenant_id = :t AND "
                        + "payload LIKE :c").bind("t", tenantId).bind("c", "%" + c + "%").execute();
            }
            blanked += h.createUpdate("UPDATE outbox SET payload = '{\"erased\":true}' WHERE tenant_id = :t AND payload "
                    + "LIKE :s").bind("t", tenantId).bind("s", SubjectData.containing(subject)).execute();
            kept.put("outbox (payload blanked)", blanked);
            for (String m : messages) {
                h.createUpdate("DELETE FROM message_attachments WHERE tenant_id = :t AND message_id = :m")
                        .bind("t", tenantId).bind("m", m).execute();
                h.createUpdate("DELETE FROM idempotency_records WHERE tenant_id = :t AND response LIKE :m")
                        .bind("t", tenantId).bind("m", "%" + m + "%").execute();
            }
            int msg = 0;
            for (String c : conversations) {
                msg += h.createUpdate("DELETE FROM messages WHERE tenant_id = :t AND conversation_id = :c")
                        .bind("t", tenantId).bind("c", c).execute();
            }
            deleted.put("messages", msg);
            int notes = 0;
            for (String c : conversations) {
                notes += h.createUpdate("DELETE FROM conversation_annotations WHERE tenant_id = :t AND conversation_id "
                        + "= :c").bind("t", tenantId).bind("c", c).execute();
            }
            deleted.put("conversation_annotations", notes);
            deleted.put("leads", delete(h, "leads", "end_user_id", tenantId, subject));
            deleted.put("conversations", delete(h, "conversations", "end_user_id", tenantId, subject));
            deleted.put("media", delete(h, "media", "contact_external_id", tenantId, subject));
            deleted.put("channel_events", delete(h, "inbound_events", "contact_external_id", tenantId, subject));
            deleted.put("deliveries", delete(h, "channel_deliveries", "contact_external_id", tenantId, subject));
            List<Map<String, Object>> docs = h.createQuery("SELECT plugin_id, collection, doc_key FROM plugin_documents "
                    + "WHERE tenant_id = :t AND contact_external_id = :s").bind("t", tenantId).bind("s", subject)
                    .mapToMap().list();
            for (Map<String, Object> d : docs) {
                h.createUpdate("DELETE FROM plugin_document_attributes WHERE tenant_id = :t AND plugin_id = :p AND "
                                + "collection = :c AND doc_key = :k").bind("t", tenantId).bind("p", d.get("plugin_id"))
                        .bind("c", d.get("collection")).bind("k", d.get("doc_key")).execute();
            }
            deleted.put("plugin_documents", delete(h, "plugin_documents", "contact_external_id", tenantId, subject));
            deleted.put("contacts", delete(h, "contacts", "external_id", tenantId, subject));
            kept.put("consent_records", h.createUpdate("UPDATE consent_records SET contact_external_id = :a, evidence = "
                            + "NULL WHERE tenant_id = :t AND contact_external_id = :s").bind("a", alias)
                    .bind("t", tenantId).bind("s", subject).execute());
            kept.put("audit_log", anonymiseAudit(h, tenantId, subject, alias));
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("pseudonym", alias);
            report.put("deleted", deleted);
            report.put("kept_pseudonymised", kept);
            report.put("legal_basis", LEGAL_BASIS);
            return report;
        });
    }

    private static int delete(Handle h, String table, String column, String tenantId, String subject) {
        return h.createUpdate("DELETE FROM " + table + " WHERE tenant_id = :t AND " + column + " = :s")
                .bind("t", tenantId).bind("s", subject).execute();
    }

    /** Audit entries naming the subject keep their place in the trail, with the subject replaced. */
    private static int anonymiseAudit(Handle h, String tenantId, String subject, String alias) {
        List<Map<String, Object>> rows = h.createQuery("SELECT id, summary FROM audit_log WHERE tenant_id = :t AND "
                        + "summary LIKE :s").bind("t", tenantId).bind("s", SubjectData.containing(subject))
                .map((rs, ctx) -> Map.<String, Object>of("id", rs.getLong("id"), "summary", rs.getString("summary")))
                .list();
        for (Map<String, Object> r : rows) {
            h.createUpdate("UPDATE audit_log SET summary = :d WHERE tenant_id = :t AND id = :id")
                    .bind("d", ((String) r.get("summary")).replace(subject, alias)).bind("t", tenantId)
                    .bind("id", r.get("id")).execute();
        }
        return rows.size();
    }


    private static List<Map<String, Object>> rows(Handle h, String sql, String tenantId, String subject) {
        return h.createQuery(sql).bind("t", tenantId).bind("s", subject).map((rs, ctx) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            var md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String name = md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT);
                Object v = rs.getObject(i);
                row.put(name, v instanceof java.sql.Clob || v instanceof String ? rs.getString(i)
                        : v instanceof java.sql.Timestamp t ? t.toInstant().toString()
                        : v instanceof java.time.temporal.TemporalAccessor ? String.valueOf(v) : v);
            }
            return row;
        }).list();
    }

    static String csv(List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder();
        List<String> columns = new ArrayList<>(rows.get(0).keySet());
        sb.append(String.join(",", columns)).append("\r\n");
        for (Map<String, Object> r : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : columns) {
                Object v = r.get(c);
                String s = v == null ? "" : String.valueOf(v);
                // Spreadsheets run cells that start with these; quote them as text (CSV injection).
                if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0) {
                    s = "'" + s;
                }
                cells.add(s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                        ? "\"" + s.replace("\"", "\"\"") + "\"" : s);
            }
            sb.append(String.join(",", cells)).append("\r\n");
        }
        return sb.toString();
    }
}
