package io.channelhub.hub.web.api;

import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.GrantRepository;
import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.knowledge.Knowledge;
import io.channelhub.hub.knowledge.KnowledgeFile;
import io.channelhub.hub.web.TenantScope;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.media.multipart.FormDataContentDisposition;
import org.glassfish.jersey.media.multipart.FormDataParam;

/**
 * Files for knowledge, with OpenAI's Files API shapes (so the official SDKs' {@code files} calls work), under the
 * resource ACL as {@code file} resources. Uploads are limited in size and sniffed: what the hub cannot read is
 * refused with 415 before it is stored.
 */
@Produces(MediaType.APPLICATION_JSON)
public class FilesResource {

    private final Knowledge knowledge;
    private final GrantRepository grants;
    private final AccessControl access;
    private final AuditLog audit;
    private final Clock clock;

    public FilesResource(Knowledge knowledge, GrantRepository grants, AccessControl access, AuditLog audit,
                         Clock clock) {
        this.knowledge = knowledge;
        this.grants = grants;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    static ResourceDirectory.ResourceRef ref(KnowledgeFile f) {
        return new ResourceDirectory.ResourceRef(ResourceType.FILE, f.id(), f.ownerPrincipalId());
    }

    private KnowledgeFile load(Caller c, String tenantId, String id, ResourcePermission need) {
        KnowledgeFile f = knowledge.files().get(tenantId, id);
        access.require(c, tenantId, ref(f), need);
        return f;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response upload(@Auth Caller c, @Context TenantScope scope,
                           @HeaderParam("Content-Length") Long contentLength,
                           @FormDataParam("file") InputStream file,
                           @FormDataParam("file") FormDataContentDisposition disposition,
                           @FormDataParam("purpose") String purpose,
                           @FormDataParam("expires_after[anchor]") String expiresAnchor,
                           @FormDataParam("expires_after[seconds]") Long expiresSeconds) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.RESOURCES_CREATE);
        long max = knowledge.maxFileBytes();
        // Refuse an oversized body before reading it (the multipart envelope adds a few hundred bytes).
        if (contentLength != null && contentLength > max + 64 * 1024) {
            throw tooLarge(max);
        }
        if (file == null) {
            throw new ApiException(422, "missing_file", "send the file in the multipart part named file",
                    Map.of("field", "file"));
        }
        if (purpose == null || purpose.isBlank()) {
            throw new ApiException(422, "missing_purpose", "send the purpose (assistants or user_data)",
                    Map.of("field", "purpose"));
        }
        Instant expiresAt = null;
        if (expiresSeconds != null || expiresAnchor != null) {
            if (!"created_at".equals(expiresAnchor) || expiresSeconds == null || expiresSeconds < 3600
                    || expiresSeconds > 30L * 24 * 3600) {
                throw new ApiException(422, "invalid_expires_after", "expires_after is anchor created_at and 3600 "
                        + "to 2592000 seconds", Map.of("field", "expires_after"));
            }
            expiresAt = clock.instant().plus(Duration.ofSeconds(expiresSeconds));
        }
        KnowledgeFile f;
        try {
            f = knowledge.upload(tenantId, c.principalId(), disposition == null ? null : disposition.getFileName(),
                    purpose, file, expiresAt);
        } catch (Knowledge.Refused e) {
            throw switch (e.reason()) {
                case TOO_LARGE -> tooLarge(max);
                case UNSUPPORTED_TYPE -> new ApiException(415, "unsupported_file_type", e.getMessage(), e.details());
                case EMPTY -> new ApiException(422, "empty_file", e.getMessage(), e.details());
            };
        }
        audit.success(c, tenantId, "file.create", ResourceType.FILE.wire(), f.id(),
                Map.of("bytes", f.bytes(), "content_type", f.contentType()));
        return Response.ok(KnowledgeWire.file(f)).build();
    }

    private static ApiException tooLarge(long max) {
        return new ApiException(413, "file_too_large", "the file is larger than " + max + " bytes",
                Map.of("max_bytes", max));
    }

    @GET
    public Map<String, Object> list(@Auth Caller c, @Context TenantScope scope, @QueryParam("purpose") String purpose,
                                    @QueryParam("limit") Integer limit, @QueryParam("after") String after,
                                    @QueryParam("order") String order) {
        String tenantId = scope.tenantId();
        // OpenAI's files list takes up to 10,000 a page; the hub pages by 100 at most and says there is more.
        int n = limit == null ? 100 : KnowledgeWire.limit(Math.min(limit, 100));
        List<KnowledgeFile> rows = knowledge.files().list(tenantId, purpose, after, n, KnowledgeWire.ascending(order));
        boolean more = rows.size() > n;
        List<KnowledgeFile> page = access.readable(c, tenantId, more ? rows.subList(0, n) : rows,
                FilesResource::ref, f -> f);
        Map<String, Object> out = KnowledgeWire.list(page, page.size(), KnowledgeFile::id, KnowledgeWire::file);
        out.put("has_more", more);
        if (more) {
            // The cursor is the page's last row, readable or not, so the next page starts after it.
            out.put("last_id", rows.get(n - 1).id());
        }
        return out;
    }

    @GET
    @Path("/{fileId}")
    public Map<String, Object> get(@Auth Caller c, @Context TenantScope scope, @PathParam("fileId") String id) {
        return KnowledgeWire.file(load(c, scope.tenantId(), id, ResourcePermission.READ));
    }

    @GET
    @Path("/{fileId}/content")
    @Produces(MediaType.WILDCARD)
    public Response content(@Auth Caller c, @Context TenantScope scope, @PathParam("fileId") String id) {
        KnowledgeFile f = load(c, scope.tenantId(), id, ResourcePermission.READ);
        StreamingOutput body = out -> {
            try (InputStream in = knowledge.files().content(f)) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, f.contentType()).header("Content-Length", f.bytes())
                .header("Content-Disposition", "attachment; filename=\"" + f.filename().replace("\"", "") + "\"")
                .header("X-Content-Type-Options", "nosniff").build();
    }

    @DELETE
    @Path("/{fileId}")
    public Map<String, Object> delete(@Auth Caller c, @Context TenantScope scope, @PathParam("fileId") String id) {
        String tenantId = scope.tenantId();
        KnowledgeFile f = load(c, tenantId, id, ResourcePermission.DELETE);
        knowledge.deleteFile(f);
        grants.deleteForResource(tenantId, ResourceType.FILE, id);
        audit.success(c, tenantId, "file.delete", ResourceType.FILE.wire(), id, Map.of("bytes", f.bytes()));
        return KnowledgeWire.deleted(id, "file");
    }
}
