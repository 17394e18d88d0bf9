package io.channelhub.hub.agents;

import io.channelhub.hub.persistence.Slugs;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Prompts: created with a first version; every change is a new, immutable version. */
public class PromptService {

    static final int MAX_CONTENT = 100_000;

    private final PromptRepository prompts;
    private final AgentRepository agents;
    private final Clock clock;

    public PromptService(PromptRepository prompts, AgentRepository agents, Clock clock) {
        this.prompts = prompts;
        this.agents = agents;
        this.clock = clock;
    }

    public Prompt create(String tenantId, String slug, String name, String description, String content,
                         String note, String principalId) {
        Slugs.check(slug);
        checkContent(content);
        Instant now = clock.instant();
        Prompt p = new Prompt(Ids.newId("prm"), tenantId, slug, name, description, 1, principalId, now, now);
        try {
            prompts.jdbi().useTransaction(h -> {
                prompts.insert(h, p);
                prompts.insertVersion(h, tenantId, new Prompt.Version(p.id(), 1, content, note, principalId, now));
            });
        } catch (RuntimeException e) {
            if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                throw Failure.conflict("slug_taken", "a prompt with this slug exists");
            }
            throw e;
        }
        return p;
    }

    public Prompt.Version addVersion(Prompt p, String content, String note, String principalId) {
        checkContent(content);
        Instant now = clock.instant();
        Prompt.Version v = new Prompt.Version(p.id(), p.latestVersion() + 1, content, note, principalId, now);
        boolean ok = prompts.jdbi().inTransaction(h -> {
            if (!prompts.advance(h, p.tenantId(), p.id(), p.latestVersion(), now)) {
                return false;
            }
            prompts.insertVersion(h, p.tenantId(), v);
            return true;
        });
        if (!ok) {
            throw Failure.conflict("concurrent_update", "another version was added meanwhile; read and retry");
        }
        return v;
    }

    public Prompt get(String tenantId, String id) {
        return prompts.find(tenantId, id).orElseThrow(() -> Failure.notFound("prompt"));
    }

    public List<Prompt> list(String tenantId) {
        return prompts.list(tenantId);
    }

    public List<Prompt.Version> versions(Prompt p) {
        return prompts.versions(p.tenantId(), p.id());
    }

    public Prompt.Version version(Prompt p, int version) {
        return prompts.version(p.tenantId(), p.id(), version).orElseThrow(() -> Failure.notFound("version"));
    }

    public void rename(Prompt p, String name, String description) {
        prompts.rename(p.tenantId(), p.id(), name == null ? p.name() : name,
                description == null ? p.description() : description, clock.instant());
    }

    public void delete(Prompt p) {
        if (agents.usesPrompt(p.tenantId(), p.id())) {
            throw Failure.conflict("prompt_in_use", "an agent uses this prompt; change the agent first");
        }
        prompts.delete(p.tenantId(), p.id());
    }

    private static void checkContent(String content) {
        if (content == null || content.isBlank() || content.length() > MAX_CONTENT) {
            throw Failure.invalid("invalid_prompt", "content must be 1 to " + MAX_CONTENT + " characters",
                    Map.of("field", "content"));
        }
    }
}
