package io.channelhub.hub.conversations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.persistence.Binds;
import io.channelhub.plugin.model.ModelMessage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Persistence of conversations and messages; every query is bound to a tenant. */
public class ConversationRepository {

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final RowMapper<Conversation> conversations;
    private final RowMapper<Message> messages;

    public ConversationRepository(Jdbi jdbi, ObjectMapper json) {
        this.jdbi = jdbi;
        this.json = json;
        this.conversations = conversationRows();
        this.messages = messageRows();
    }

    /**
     * A row mapper that finds its columns once per result set: Jdbi asks a mapper to specialize itself before the
     * first row, and a read by column name costs a lower-casing and a hash lookup in MariaDB's driver, some twenty a
     * message, a history window of messages every turn.
     */
    @FunctionalInterface
    private interface ByPosition<T> extends RowMapper<T> {
        @Override
        RowMapper<T> specialize(ResultSet rs, StatementContext ctx) throws SQLException;

        @Override
        default T map(ResultSet rs, StatementContext ctx) throws SQLException {
            return specialize(rs, ctx).map(rs, ctx);
        }
    }

    private ByPosition<Conversation> conversationRows() {
        return (rs, ctx) -> {
            var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            int id = rs.findColumn("id"), tenant = rs.findColumn("tenant_id"), agent = rs.findColumn("agent_id"),
                    instance = rs.findColumn("channel_instance_id"), user = rs.findColumn("end_user_id"),
                    title = rs.findColumn("title"), metadata = rs.findColumn("metadata"),
                    status = rs.findColumn("status"), owner = rs.findColumn("owner_principal_id"),
                    created = rs.findColumn("created_at"), updated = rs.findColumn("updated_at"),
                    last = rs.findColumn("last_message_at"), hState = rs.findColumn("handoff_state"),
                    hBy = rs.findColumn("handoff_requested_by"), hReason = rs.findColumn("handoff_reason"),
                    hHolder = rs.findColumn("handoff_holder_id"), hName = rs.findColumn("handoff_holder_name"),
                    hAt = rs.findColumn("handoff_at");
            return (r, c) -> new Conversation(r.getString(id), r.getString(tenant), r.getString(agent),
                    r.getString(instance), r.getString(user), r.getString(title), readMap(r.getString(metadata)),
                    r.getString(status), r.getString(owner), instants.map(r, created, c), instants.map(r, updated, c),
                    instants.map(r, last, c), Handoff.of(r.getString(hState), r.getString(hBy),
                    r.getString(hReason), r.getString(hHolder), r.getString(hName), instants.map(r, hAt, c)));
        };
    }

    private ByPosition<Message> messageRows() {
        return (rs, ctx) -> {
            var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            int seq = rs.findColumn("seq"), id = rs.findColumn("id"), tenant = rs.findColumn("tenant_id"),
                    conversation = rs.findColumn("conversation_id"), role = rs.findColumn("role"),
                    content = rs.findColumn("content"), calls = rs.findColumn("tool_calls"),
                    callId = rs.findColumn("tool_call_id"), status = rs.findColumn("status"),
                    external = rs.findColumn("external_id"), model = rs.findColumn("model"),
                    prompt = rs.findColumn("prompt_tokens"), completion = rs.findColumn("completion_tokens"),
                    error = rs.findColumn("error_code"), created = rs.findColumn("created_at"),
                    completed = rs.findColumn("completed_at"), kind = rs.findColumn("kind"),
                    errorTitle = rs.findColumn("error_title"), errorDetails = rs.findColumn("error_details"),
                    citations = rs.findColumn("citations"), author = rs.findColumn("author_name");
            return (r, c) -> {
                long pt = r.getLong(prompt);
                Long promptTokens = r.wasNull() ? null : pt;
                long ct = r.getLong(completion);
                Long completionTokens = r.wasNull() ? null : ct;
                return new Message(r.getLong(seq), r.getString(id), r.getString(tenant), r.getString(conversation),
                        r.getString(role), r.getString(content), readCalls(r.getString(calls)), r.getString(callId),
                        r.getString(status), r.getString(external), r.getString(model), promptTokens,
                        completionTokens, r.getString(error), instants.map(r, created, c),
                        instants.map(r, completed, c), r.getString(kind), r.getString(errorTitle),
                        r.getString(errorDetails), readCitations(r.getString(citations)), r.getString(author));
            };
        };
    }

    private Map<String, Object> readMap(String s) {
        try {
            return s == null ? Map.of() : json.readValue(s, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<io.channelhub.hub.knowledge.Citation> readCitations(String s) {
        if (s == null) {
            return List.of();
        }
        try {
            return json.readValue(s, new TypeReference<List<io.channelhub.hub.knowledge.Citation>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<ModelMessage.ToolCall> readCalls(String s) {
        try {
            return s == null ? List.of() : json.readValue(s, new TypeReference<List<ModelMessage.ToolCall>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(Object o) {
        try {
            return o == null ? null : json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void insert(Conversation c) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO conversations (id, tenant_id, agent_id, channel_instance_id, "
                        + "end_user_id, title, metadata, status, owner_principal_id, created_at, updated_at, "
                        + "last_message_at, activity_at) VALUES (:id, :t, :a, :ci, :u, :title, :meta, :status, :o, :c, "
                        + ":up, :last, :activity)")
                .bind("id", c.id()).bind("t", c.tenantId()).bind("a", c.agentId()).bind("ci", c.channelInstanceId())
                .bind("u", c.endUserId()).bind("title", c.title()).bind("meta", write(c.metadata()))
                .bind("status", c.status()).bind("o", c.ownerPrincipalId()).bind("c", c.createdAt())
                .bind("up", c.updatedAt()).bind("last", c.lastMessageAt())
                .bind("activity", c.lastMessageAt() != null ? c.lastMessageAt() : c.createdAt()).execute());
    }

    public Optional<Conversation> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM conversations WHERE tenant_id = :t AND id = :id")
                .bind("t", Binds.text(tenantId)).bind("id", Binds.text(id)).map(conversations).findOne());
    }

    /**
     * Keyset page, most recently active first (the last message's time, or the creation time of a conversation
     * without one): {@code afterAt}/{@code afterId} are the last row of the previous page.
     */
    public List<Conversation> recent(String tenantId, String endUserId, Instant afterAt, String afterId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM conversations WHERE tenant_id = :t AND "
                        + "(:u IS NULL OR end_user_id = :u) AND (:at IS NULL OR activity_at < :at OR (activity_at = :at "
                        + "AND id < :after)) ORDER BY activity_at DESC, id DESC LIMIT :n")
                .bind("t", tenantId).bind("u", endUserId).bind("at", afterAt).bind("after", afterId)
                .bind("n", limit).map(conversations).list());
    }

    /** Keyset page ordered by id: ids are random, so this is a stable order, not creation order. */
    public List<Conversation> list(String tenantId, String endUserId, String afterId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM conversations WHERE tenant_id = :t AND "
                        + "(:u IS NULL OR end_user_id = :u) AND (:after IS NULL OR id > :after) ORDER BY id LIMIT :n")
                .bind("t", tenantId).bind("u", endUserId).bind("after", afterId).bind("n", limit)
                .map(conversations).list());
    }

    /**
     * A tenant's conversations waiting for a person or held by one ({@code state} null: both; {@code holderId}: only
     * theirs), longest waiting first.
     */
    public List<Conversation> handoffQueue(String tenantId, String state, String holderId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM conversations WHERE tenant_id = :t AND "
                        + (state == null ? "handoff_state IS NOT NULL" : "handoff_state = :s")
                        + " AND (:who IS NULL OR handoff_holder_id = :who) ORDER BY handoff_at, id LIMIT :n")
                .bind("t", tenantId).bind("s", state).bind("who", holderId).bind("n", limit)
                .map(conversations).list());
    }

    /**
     * Sets (or, with a null value, removes) one annotation of a plugin on a conversation. Returns false when the
     * plugin already keeps {@code max} others there: the caller refuses it.
     */
    public boolean annotate(String tenantId, String conversationId, String pluginId, String name, String value,
                            Instant at, int max) {
        return jdbi.inTransaction(h -> {
            if (value == null) {
                h.createUpdate("DELETE FROM conversation_annotations WHERE tenant_id = :t AND conversation_id = :c AND "
                                + "plugin_id = :p AND name = :n").bind("t", tenantId).bind("c", conversationId)
                        .bind("p", pluginId).bind("n", name).execute();
                return true;
            }
            int changed = h.createUpdate("UPDATE conversation_annotations SET note_value = :v, updated_at = :at "
                            + "WHERE tenant_id = :t AND conversation_id = :c AND plugin_id = :p AND name = :n")
                    .bind("v", value).bind("at", at).bind("t", tenantId).bind("c", conversationId)
                    .bind("p", pluginId).bind("n", name).execute();
            if (changed > 0) {
                return true;
            }
            int kept = h.createQuery("SELECT COUNT(*) FROM conversation_annotations WHERE tenant_id = :t AND "
                            + "conversation_id = :c AND plugin_id = :p").bind("t", tenantId).bind("c", conversationId)
                    .bind("p", pluginId).mapTo(Integer.class).one();
            if (kept >= max) {
                return false;
            }
            h.createUpdate("INSERT INTO conversation_annotations (tenant_id, conversation_id, plugin_id, name, "
                            + "note_value, updated_at) VALUES (:t, :c, :p, :n, :v, :at)").bind("v", value).bind("at", at)
                    .bind("t", tenantId).bind("c", conversationId).bind("p", pluginId).bind("n", name).execute();
            return true;
        });
    }

    /** One plugin's annotations on a conversation, by name. */
    public Map<String, String> annotations(String tenantId, String conversationId, String pluginId) {
        Map<String, String> out = new java.util.TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT name, note_value FROM conversation_annotations WHERE tenant_id = :t "
                        + "AND conversation_id = :c AND plugin_id = :p").bind("t", tenantId).bind("c", conversationId)
                .bind("p", pluginId).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    /** Every plugin's annotations on these conversations: conversation, then plugin, then name. */
    public Map<String, Map<String, Map<String, String>>> annotations(String tenantId, List<String> conversationIds) {
        Map<String, Map<String, Map<String, String>>> out = new java.util.HashMap<>();
        if (conversationIds.isEmpty()) {
            return out;
        }
        jdbi.useHandle(h -> h.createQuery("SELECT conversation_id, plugin_id, name, note_value FROM "
                        + "conversation_annotations WHERE tenant_id = :t AND conversation_id IN (<ids>)").bind("t", tenantId)
                .bindList("ids", conversationIds)
                .map((rs, ctx) -> List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .forEach(r -> out.computeIfAbsent(r.get(0), k -> new java.util.TreeMap<>())
                        .computeIfAbsent(r.get(1), k -> new java.util.TreeMap<>()).put(r.get(2), r.get(3))));
        return out;
    }

    /** Sets the last-message time to {@code at} unless a later message set it already (a concurrent turn's reply). */
    public void touchIfLater(String tenantId, String id, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE conversations SET last_message_at = :at, activity_at = :at, updated_at = :at "
                + "WHERE tenant_id = :t AND id = :id AND (last_message_at IS NULL OR last_message_at < :at)")
                .bind("at", at).bind("t", tenantId).bind("id", id).execute());
    }

    public void touch(String tenantId, String id, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE conversations SET last_message_at = :at, activity_at = :at, updated_at = :at "
                + "WHERE tenant_id = :t AND id = :id").bind("at", at).bind("t", tenantId).bind("id", id).execute());
    }

    public Message insertMessage(Message m) {
        return jdbi.withHandle(h -> insertMessage(h, m));
    }

    /** The message and {@code more} (its usage) in one transaction, the conversation left as it is. */
    public Message insertMessage(Message m, java.util.function.Consumer<org.jdbi.v3.core.Handle> more) {
        return jdbi.inTransaction(h -> {
            Message stored = insertMessage(h, m);
            more.accept(h);
            return stored;
        });
    }

    /**
     * Inserts the message, marks the conversation's last message and runs {@code more} (the message's usage rows)
     * in one transaction: one commit for what one message changes.
     */
    public Message insertMessageAndTouch(Message m, Instant at, java.util.function.Consumer<org.jdbi.v3.core.Handle> more) {
        return jdbi.inTransaction(h -> {
            Message stored = insertMessage(h, m);
            h.createUpdate("UPDATE conversations SET last_message_at = :at, activity_at = :at, updated_at = :at "
                    + "WHERE tenant_id = :t AND id = :id").bind("at", Binds.time(at)).bind("t", Binds.text(m.tenantId()))
                    .bind("id", Binds.text(m.conversationId())).execute();
            more.accept(h);
            return stored;
        });
    }

    /** Thrown inside a reply's transaction to undo it: a person holds the conversation. */
    private static final class HandedOff extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandedOff() {
            super(null, null, false, false);
        }
    }

    /**
     * The agent's reply, as {@link #insertMessageAndTouch} stores it, unless a person was asked for or took the
     * conversation while the agent was answering (then nothing is stored, and empty): the conversation's update is
     * conditional, so the check costs no statement. {@code agentAsked}: the agent itself asked for a person in this
     * turn (its tool), so its reply (telling the user) is stored all the same.
     */
    public Optional<Message> insertReplyUnlessHandedOff(Message m, Instant at, boolean agentAsked,
                                                        java.util.function.Consumer<org.jdbi.v3.core.Handle> more) {
        try {
            return Optional.of(jdbi.inTransaction(h -> {
                int n = h.createUpdate("UPDATE conversations SET last_message_at = :at, activity_at = :at, "
                                + "updated_at = :at WHERE tenant_id = :t AND id = :id AND (:asked OR handoff_state IS NULL)")
                        .bind("at", Binds.time(at)).bind("t", Binds.text(m.tenantId()))
                        .bind("id", Binds.text(m.conversationId())).bind("asked", Binds.flag(agentAsked)).execute();
                if (n == 0) {
                    throw new HandedOff();
                }
                Message stored = insertMessage(h, m);
                more.accept(h);
                return stored;
            }));
        } catch (HandedOff e) {
            return Optional.empty();
        }
    }

    private Message insertMessage(org.jdbi.v3.core.Handle h, Message m) {
        long seq = h.createUpdate("INSERT INTO messages (id, tenant_id, conversation_id, role, "
                        + "content, tool_calls, tool_call_id, status, external_id, model, prompt_tokens, "
                        + "completion_tokens, error_code, created_at, completed_at, kind, citations, author_name) VALUES (:id, "
                        + ":t, :c, :role, :content, :calls, :callId, :status, :ext, :model, :pt, :ct, :err, :at, :done, "
                        + ":kind, :cites, :author)")
                .bind("id", Binds.text(m.id())).bind("t", Binds.text(m.tenantId()))
                .bind("c", Binds.text(m.conversationId())).bind("role", Binds.text(m.role()))
                .bind("content", Binds.text(m.content()))
                .bind("calls", Binds.text(m.toolCalls().isEmpty() ? null : write(m.toolCalls())))
                .bind("callId", Binds.text(m.toolCallId())).bind("status", Binds.text(m.status()))
                .bind("ext", Binds.text(m.externalId())).bind("model", Binds.text(m.model()))
                .bind("pt", Binds.number(m.promptTokens())).bind("ct", Binds.number(m.completionTokens()))
                .bind("err", Binds.text(m.errorCode())).bind("at", Binds.time(m.createdAt()))
                .bind("done", Binds.time(m.completedAt()))
                .bind("kind", Binds.text(m.kind() == null ? Message.TEXT : m.kind()))
                .bind("cites", Binds.text(m.citations().isEmpty() ? null : write(m.citations())))
                .bind("author", Binds.text(m.authorName()))
                .executeAndReturnGeneratedKeys("seq").mapTo(Long.class).one();
        return m.withSeq(seq);
    }

    /** Marks a message that gets no reply, with the reason; only one still {@code received} changes. */
    public void markUnanswered(String tenantId, String messageId, String reason) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE messages SET status = :s, error_code = :e WHERE tenant_id = :t "
                + "AND id = :id AND status = :from").bind("s", Message.Status.UNANSWERED.wire()).bind("e", reason)
                .bind("t", tenantId).bind("id", messageId).bind("from", Message.Status.RECEIVED.wire()).execute());
    }

    /**
     * A channel's report on an outbound message: the status moves only forward ({@link Message.Status#movesFrom});
     * the channel's id is kept the first time one is given.
     */
    public void channelStatus(String tenantId, String messageId, Message.Status status, String errorCode,
                              String channelMessageId) {
        channelStatus(tenantId, messageId, status, errorCode, null, null, channelMessageId);
    }

    /** The same, with the channel's title and details of a failure (kept with its code, never without it). */
    public void channelStatus(String tenantId, String messageId, Message.Status status, String errorCode,
                              String errorTitle, String errorDetails, String channelMessageId) {
        List<String> lowerStatuses = status.movesFrom().stream().map(Message.Status::wire).toList();
        if (lowerStatuses.isEmpty()) {
            throw new IllegalArgumentException("a channel does not report " + status);
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE messages SET status = :s, error_code = COALESCE(:e, error_code), "
                        + "error_title = CASE WHEN :e IS NULL THEN error_title ELSE :title END, error_details = CASE "
                        + "WHEN :e IS NULL THEN error_details ELSE :details END, external_id = COALESCE(external_id, "
                        + ":x) WHERE tenant_id = :t AND id = :id AND status IN (<lower>)")
                .bind("s", status.wire()).bind("e", errorCode).bind("title", cut(errorTitle, 255))
                .bind("details", cut(errorDetails, 1024)).bind("x", channelMessageId).bind("t", tenantId)
                .bind("id", messageId).bindList("lower", lowerStatuses).execute());
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** A stored file attached to a message: the media reference the hub keeps. */
    public record Attachment(String id, String contentType, String fileName, long sizeBytes) {
    }

    /** The files attached to each of these messages that has any, in order. */
    public Map<String, List<Attachment>> attachments(String tenantId, List<String> messageIds) {
        Map<String, List<Attachment>> out = new java.util.HashMap<>();
        if (messageIds.isEmpty()) {
            return out;
        }
        jdbi.useHandle(h -> h.createQuery("SELECT a.message_id, md.id, md.content_type, md.file_name, md.size_bytes "
                        + "FROM message_attachments a JOIN media md ON md.tenant_id = a.tenant_id AND md.id = "
                        + "a.media_id WHERE a.tenant_id = :t AND a.message_id IN (<ids>) ORDER BY a.message_id, "
                        + "a.seq_no")
                .bind("t", tenantId).bindList("ids", messageIds)
                .map((rs, ctx) -> Map.entry(rs.getString(1), new Attachment(rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getLong(5))))
                .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue())));
        return out;
    }

    /** The last {@code limit} messages, oldest first. */
    public List<Message> recent(String tenantId, String conversationId, int limit) {
        // The order names every column of ix_messages_conversation (equal anyway for one conversation), so H2 too
        // reads the index backwards and stops after n rows, instead of sorting the whole conversation.
        List<Message> rows = new ArrayList<>(jdbi.withHandle(h -> h.createQuery("SELECT * FROM messages WHERE "
                        + "tenant_id = :t AND conversation_id = :c ORDER BY tenant_id DESC, conversation_id DESC, "
                        + "seq DESC LIMIT :n")
                .bind("t", tenantId).bind("c", conversationId).bind("n", limit).map(messages).list()));
        Collections.reverse(rows);
        return rows;
    }

    /**
     * A turn's history window: the last {@code limit} messages, oldest first, and which of them carry files. One
     * statement: whether a message has files is read with it (the primary key of message_attachments starts with
     * tenant and message), so a window without files costs no second query.
     */
    public record Window(List<Message> messages, java.util.Set<String> withFiles) {
    }

    public Window window(String tenantId, String conversationId, int limit) {
        java.util.Set<String> withFiles = new java.util.HashSet<>();
        List<Message> rows = new ArrayList<>(jdbi.withHandle(h -> h.createQuery("SELECT m.*, CASE WHEN EXISTS "
                        + "(SELECT 1 FROM message_attachments a WHERE a.tenant_id = m.tenant_id AND a.message_id = "
                        + "m.id) THEN 1 ELSE 0 END AS has_files FROM messages m WHERE m.tenant_id = :t AND "
                        + "m.conversation_id = :c ORDER BY m.tenant_id DESC, m.conversation_id DESC, m.seq DESC "
                        + "LIMIT :n")
                .bind("t", Binds.text(tenantId)).bind("c", Binds.text(conversationId)).bind("n", Binds.number(limit))
                .map((ByPosition<Message>) (rs, ctx) -> {
                    RowMapper<Message> message = messages.specialize(rs, ctx);
                    int hasFiles = rs.findColumn("has_files");
                    return (r, c) -> {
                        Message m = message.map(r, c);
                        if (r.getInt(hasFiles) == 1) {
                            withFiles.add(m.id());
                        }
                        return m;
                    };
                }).list()));
        Collections.reverse(rows);
        return new Window(rows, withFiles);
    }

    /** History page, oldest first, after a message's seq. */
    public List<Message> page(String tenantId, String conversationId, Long afterSeq, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM messages WHERE tenant_id = :t AND "
                        + "conversation_id = :c AND (:after IS NULL OR seq > :after) ORDER BY seq LIMIT :n")
                .bind("t", tenantId).bind("c", conversationId).bind("after", afterSeq).bind("n", limit)
                .map(messages).list());
    }

    public Optional<Message> message(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM messages WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).map(messages).findOne());
    }

    /** The open conversation of a channel's contact (the latest one), if they wrote before. */
    public Optional<Conversation> currentFor(String tenantId, String instanceId, String endUserId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM conversations WHERE tenant_id = :t AND "
                        + "channel_instance_id = :ci AND end_user_id = :u AND status = 'open' ORDER BY created_at DESC, "
                        + "id DESC LIMIT 1")
                .bind("t", tenantId).bind("ci", instanceId).bind("u", endUserId).map(conversations).findOne());
    }

    /**
     * The message a channel knows by its id on one instance: an inbound message through the event it came in (linked
     * in the message's commit), a reply through its delivery's channel id. Both are unique-key lookups; the
     * messages table has no index on external ids, and a search there read the tenant's whole history.
     */
    public Optional<Message> byExternalId(String tenantId, String instanceId, String externalId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT m.* FROM inbound_events e JOIN messages m ON m.id = "
                        + "e.message_id AND m.tenant_id = e.tenant_id WHERE e.tenant_id = :t AND e.channel_instance_id "
                        + "= :ci AND e.external_id = :x")
                .bind("t", tenantId).bind("ci", instanceId).bind("x", externalId).map(messages).findOne()
                .or(() -> h.createQuery("SELECT m.* FROM channel_deliveries d JOIN messages m ON m.id = d.message_id "
                                + "AND m.tenant_id = d.tenant_id WHERE d.tenant_id = :t AND d.channel_instance_id = :ci "
                                + "AND d.channel_message_id = :x ORDER BY d.part LIMIT 1")
                        .bind("t", tenantId).bind("ci", instanceId).bind("x", externalId).map(messages).findOne()));
    }

    /** A message with this external id in one conversation (newest first: a retry looks for a recent one). */
    public Optional<Message> byExternalIdIn(String tenantId, String conversationId, String externalId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM messages WHERE tenant_id = :t AND conversation_id = "
                        + ":c AND external_id = :x ORDER BY tenant_id DESC, conversation_id DESC, seq DESC LIMIT 1")
                .bind("t", tenantId).bind("c", conversationId).bind("x", externalId).map(messages).findOne());
    }

    /** The user message a request with this idempotency key stored in the conversation, if it got that far. */
    public Optional<Message> byRequestKey(String tenantId, String conversationId, String requestKey) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM messages WHERE tenant_id = :t AND conversation_id = "
                        + ":c AND request_key = :k ORDER BY seq LIMIT 1")
                .bind("t", tenantId).bind("c", conversationId).bind("k", requestKey).map(messages).findOne());
    }

    /** Marks a message stored by a request with an idempotency key, in the caller's transaction. */
    public static void markRequest(org.jdbi.v3.core.Handle h, Message m, String requestKey) {
        h.createUpdate("UPDATE messages SET request_key = :k WHERE tenant_id = :t AND id = :id")
                .bind("k", requestKey).bind("t", m.tenantId()).bind("id", m.id()).execute();
    }

    /** The reply to the message at {@code seq}: the last assistant message before the next user message. */
    public Optional<Message> replyAfter(String tenantId, String conversationId, long seq) {
        Message reply = null;
        for (Message m : page(tenantId, conversationId, seq, 50)) {
            if ("user".equals(m.role())) {
                break;
            }
            if ("assistant".equals(m.role())) {
                reply = m;
            }
        }
        return Optional.ofNullable(reply);
    }
}
