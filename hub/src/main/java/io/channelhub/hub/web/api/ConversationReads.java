package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.conversations.Conversation;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.conversations.ConversationViews;
import io.channelhub.hub.conversations.Message;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.web.TenantScope;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/**
 * Reading conversations and their history: the integrator's ({@link ConversationsResource}) and the operator's
 * read-only twin under {@code /admin/tenants/{tenantId}/conversations}, which the console's viewer uses.
 */
@Produces(MediaType.APPLICATION_JSON)
public class ConversationReads {

    protected final ConversationRepository repo;
    protected final AccessControl access;

    public ConversationReads(ConversationRepository repo, AccessControl access) {
        this.repo = repo;
        this.access = access;
    }

    @GET
    public Page<ConversationViews.ConversationView> list(@Auth Caller c, @Context TenantScope scope,
                                                         @QueryParam("end_user_id") String endUser,
                                                         @QueryParam("after") String after,
                                                         @QueryParam("limit") Integer limit,
                                                         @QueryParam("order") String order) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.RESOURCES_READ);
        int n = Page.limit(limit);
        List<Conversation> rows;
        boolean recent = "recent".equals(order);
        if (recent) {
            // Most recently active first. The cursor carries the last row's activity time with its id, so a page
            // stays where it was when that conversation gets a new message meanwhile (it moves to the top).
            Page.TimeCursor from = Page.TimeCursor.parse(after);
            java.time.Instant at = from == null ? null : from.at();
            String afterId = from == null ? null : from.id();
            rows = repo.recent(tenantId, endUser, at, afterId, n + 1);
        } else if (order == null || "id".equals(order)) {
            rows = repo.list(tenantId, endUser, after, n + 1);
        } else {
            throw ApiException.unprocessable("invalid_field", "order is recent or id", Map.of("field", "order"));
        }
        var notes = repo.annotations(tenantId, rows.stream().map(Conversation::id).toList());
        return Page.of(rows.stream().map(cv -> ConversationViews.ConversationView.of(cv, notes.get(cv.id())))
                        .toList(), n, recent ? ConversationReads::recentCursor : ConversationViews.ConversationView::id);
    }

    /** Where an {@code order=recent} page ends: the last conversation's activity time and id. */
    private static String recentCursor(ConversationViews.ConversationView v) {
        return Page.TimeCursor.format(v.lastMessageAt() != null ? v.lastMessageAt() : v.createdAt(), v.id());
    }

    protected Conversation load(Caller c, String tenantId, String id, ResourcePermission need) {
        Conversation conv = repo.find(tenantId, id).orElseThrow(() -> ApiException.notFound("conversation"));
        access.require(c, tenantId, ConversationsResource.ref(conv), need);
        return conv;
    }

    @GET
    @Path("/{conversationId}")
    public ConversationViews.ConversationView get(@Auth Caller c, @Context TenantScope scope,
                                                  @PathParam("conversationId") String id) {
        Conversation conv = load(c, scope.tenantId(), id, ResourcePermission.READ);
        return ConversationViews.ConversationView.of(conv, repo.annotations(scope.tenantId(), List.of(conv.id()))
                .get(conv.id()));
    }

    @GET
    @Path("/{conversationId}/messages")
    public Page<ConversationViews.MessageView> history(@Auth Caller c, @Context TenantScope scope,
                                                       @PathParam("conversationId") String id,
                                                       @QueryParam("after") String after,
                                                       @QueryParam("limit") Integer limit) {
        String tenantId = scope.tenantId();
        Conversation conv = load(c, tenantId, id, ResourcePermission.READ);
        Long afterSeq = null;
        if (after != null) {
            afterSeq = repo.message(tenantId, after).filter(m -> m.conversationId().equals(conv.id()))
                    .map(Message::seq).orElseThrow(() -> ApiException.unprocessable("invalid_cursor",
                            "after must be a message id of this conversation", Map.of("field", "after")));
        }
        int n = Page.limit(limit);
        List<Message> rows = repo.page(tenantId, conv.id(), afterSeq, n + 1);
        var files = repo.attachments(tenantId, rows.stream().map(Message::id).toList());
        return Page.of(rows.stream().map(m -> ConversationViews.MessageView.of(m, files.getOrDefault(m.id(),
                        List.of()))).toList(), n,
                ConversationViews.MessageView::id);
    }
}
