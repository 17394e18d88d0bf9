package io.channelhub.hub.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.delivery.Deliverer;
import io.channelhub.hub.delivery.Outbox;
import io.channelhub.hub.delivery.OutboxItem;
import io.channelhub.hub.delivery.WorkSignal;
import io.channelhub.hub.limits.QuotaExceeded;
import io.channelhub.hub.plugins.PluginCallException;
import io.channelhub.hub.plugins.PluginContexts;
import io.channelhub.hub.plugins.PluginEnablements;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.plugins.PluginState;
import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.turn.CompletedTurn;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Hands every completed turn to the plugins' turn observers, durably and off the reply's path: the turn is written to
 * the outbox once per observer the tenant has enabled, in the same commit as the reply, and the dispatcher delivers
 * it like any other row (retries with backoff, dead letters, replay). An observer therefore sees each turn at least
 * once, even when its replica stops right after the reply.
 */
public class TurnObservers implements Deliverer {

    /** The outbox kind of an observer's delivery; its target is the observer's id, its event the reply's id. */
    public static final String KIND = "turn_observer";
    static final String EVENT = "turn.completed";
    /**
     * How long a turn waits for an observer whose plugin is not running (a restart, an upgrade on its way) before it
     * goes to the dead letters; an operator can replay it from there.
     */
    static final Duration NOT_RUNNING_GRACE = Duration.ofHours(1);
    private static final Duration NOT_RUNNING_RETRY = Duration.ofMinutes(1);

    private final PluginPlatform plugins;
    private final PluginEnablements enablements;
    private final PluginContexts contexts;
    private final ConversationRepository repo;
    private final Outbox outbox;
    private final WorkSignal signal;
    private final ObjectMapper json;
    private final Clock clock;

    public TurnObservers(PluginPlatform plugins, PluginEnablements enablements, PluginContexts contexts,
                         ConversationRepository repo, Outbox outbox, WorkSignal signal, ObjectMapper json,
                         Clock clock) {
        this.plugins = plugins;
        this.enablements = enablements;
        this.contexts = contexts;
        this.repo = repo;
        this.outbox = outbox;
        this.signal = signal;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Writes the turn for each observer whose plugin the tenant has enabled, inside the reply's transaction {@code h};
     * returns the rows to {@link #wake} once it commits. No observer, no statement.
     */
    List<Long> enqueue(Handle h, Conversation c, String userMessageId, String replyId) {
        Map<String, PluginPlatform.LoadedObserver> all = plugins.turnObservers();
        if (all.isEmpty()) {
            return List.of();
        }
        List<Long> rows = new ArrayList<>();
        for (Map.Entry<String, PluginPlatform.LoadedObserver> o : all.entrySet()) {
            String pluginId = o.getValue().pluginId();
            if (!enablements.isEnabled(c.tenantId(), pluginId)) {
                continue;
            }
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("plugin_id", pluginId);
            payload.put("conversation_id", c.id());
            payload.put("user_message_id", userMessageId);
            payload.put("reply_id", replyId);
            rows.add(outbox.insert(h, c.tenantId(), KIND, o.getKey(), replyId, EVENT, write(payload),
                    clock.instant()));
        }
        return rows;
    }

    /** Delivers the rows {@link #enqueue} wrote, now that they are committed. */
    void wake(List<Long> rows) {
        rows.forEach(signal::wake);
    }

    @Override
    public Outcome deliver(OutboxItem item) {
        JsonNode p;
        try {
            p = json.readTree(item.payload());
        } catch (java.io.IOException e) {
            return new Outcome.Permanent(null, "unreadable payload");
        }
        String conversationId = p.path("conversation_id").asText(null);
        String pluginId = p.path("plugin_id").asText(null);
        if (conversationId == null || pluginId == null) {
            // The data subject was erased after the turn: their words are gone, and so is what there was to see.
            return new Outcome.Delivered(204);
        }
        PluginPlatform.LoadedObserver observer = plugins.turnObservers().get(item.targetId());
        if (observer == null || !observer.pluginId().equals(pluginId)) {
            return notRunning(item, pluginId);
        }
        if (!enablements.isEnabled(item.tenantId(), pluginId)) {
            // Switched off for the tenant since the turn: it no longer wants this plugin to see its conversations.
            return new Outcome.Delivered(204);
        }
        Optional<CompletedTurn> turn = turn(item.tenantId(), conversationId, p.path("user_message_id").asText(),
                p.path("reply_id").asText());
        if (turn.isEmpty()) {
            // Deleted since (retention, erasure): nothing left to observe.
            return new Outcome.Delivered(204);
        }
        var context = contexts.forTenant(item.tenantId(), pluginId);
        try {
            plugins.call(pluginId, "observe", () -> {
                observer.observer().observe(turn.get(), context);
                return null;
            });
            return new Outcome.Delivered(200);
        } catch (QuotaExceeded refused) {
            // The observer metered past the tenant's hard quota: no retry passes before the period ends.
            return new Outcome.Permanent(null, refused.code() + ": " + refused.getMessage());
        } catch (PluginCallException failed) {
            return new Outcome.Retry(null, reason(failed), null);
        }
    }

    private Outcome notRunning(OutboxItem item, String pluginId) {
        String state = plugins.status(pluginId).map(s -> s.state().wire()).orElse("not installed");
        boolean started = plugins.status(pluginId).map(s -> s.state() == PluginState.STARTED).orElse(false);
        String why = started ? "plugin " + pluginId + " does not offer turn observer " + item.targetId() + " now"
                : "plugin " + pluginId + " is not running (" + state + ")";
        // Started but without the observer is also an upgrade's drain (the old version's extensions are out of use
        // before its status goes): wait as for a plugin that is not running.
        if (item.createdAt().plus(NOT_RUNNING_GRACE).isAfter(clock.instant())) {
            // Deferred, not retried: a plugin being restarted or upgraded must not use up the turn's attempts.
            return new Outcome.Deferred(why, NOT_RUNNING_RETRY);
        }
        return new Outcome.Permanent(null, why);
    }

    private Optional<CompletedTurn> turn(String tenantId, String conversationId, String userMessageId,
                                         String replyId) {
        Optional<Conversation> c = repo.find(tenantId, conversationId);
        Optional<Message> user = repo.message(tenantId, userMessageId);
        Optional<Message> reply = repo.message(tenantId, replyId);
        if (c.isEmpty() || user.isEmpty() || reply.isEmpty()) {
            return Optional.empty();
        }
        var files = repo.attachments(tenantId, List.of(userMessageId));
        Message r = reply.get();
        return Optional.of(new CompletedTurn(r.id(), conversationId, c.get().agentId(),
                Optional.ofNullable(c.get().channelInstanceId()), Optional.ofNullable(c.get().endUserId()),
                view(user.get(), files.getOrDefault(userMessageId, List.of()).stream()
                        .map(ConversationRepository.Attachment::id).toList()),
                view(r, List.of()), r.model(), r.promptTokens() == null ? 0 : r.promptTokens(),
                r.completionTokens() == null ? 0 : r.completionTokens(),
                r.completedAt() != null ? r.completedAt() : r.createdAt()));
    }

    private static Conversations.MessageView view(Message m, List<String> mediaIds) {
        return new Conversations.MessageView(m.id(), m.conversationId(), m.role(), m.content(), m.externalId(),
                m.createdAt(), mediaIds, m.citations().stream()
                .map(s -> new Conversations.Source(s.index(), s.filename())).toList());
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the outbox's log says about a failed call: the plugin, and its exception's type and message. */
    private static String reason(PluginCallException e) {
        Throwable cause = e.getCause();
        return e.getMessage() + (cause == null ? "" : ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
    }
}
