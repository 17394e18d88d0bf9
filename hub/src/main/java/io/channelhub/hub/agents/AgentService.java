package io.channelhub.hub.agents;

import io.channelhub.hub.persistence.Slugs;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/** Agents of a tenant, their prompt pinning and the tenant's default agent. */
public class AgentService {

    private final Jdbi jdbi;
    private final AgentRepository agents;
    private final PromptRepository prompts;
    private final Supplier<Set<String>> providers;
    private final Clock clock;

    public AgentService(Jdbi jdbi, AgentRepository agents, PromptRepository prompts, Supplier<Set<String>> providers,
                        Clock clock, io.channelhub.hub.persistence.TenantCaches caches) {
        this.byId = caches.create("agents", (java.util.function.Function<String, String>) k -> k.substring(0, k.indexOf('|')));
        this.jdbi = jdbi;
        this.agents = agents;
        this.prompts = prompts;
        this.providers = providers;
        this.clock = clock;
    }

    public Agent create(String tenantId, String slug, String name, AgentSpec spec, String promptId,
                        Integer promptVersion, boolean makeDefault, String principalId) {
        Slugs.check(slug);
        AgentSpec full = (spec == null ? new AgentSpec(null, null, null, null, null, null, null, null, null, null,
                null, null, null, null) : spec).withDefaults();
        check(tenantId, full, promptId, promptVersion);
        Instant now = clock.instant();
        boolean first = agents.findDefault(tenantId).isEmpty();
        Agent a = new Agent(Ids.newId("agt"), tenantId, slug, name, full, promptId, promptVersion,
                makeDefault || first, principalId, 1, now, now);
        try {
            jdbi.useTransaction(h -> {
                agents.insert(h, a);
                if (a.isDefault()) {
                    agents.clearDefaults(h, tenantId, a.id());
                }
            });
        } catch (RuntimeException e) {
            if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                throw Failure.conflict("slug_taken", "an agent with this slug exists");
            }
            throw e;
        }
        changed(tenantId);
        return a;
    }

    /** A partial update: null arguments keep the stored value; {@code clearPrompt} detaches the prompt. */
    public Agent update(Agent current, String slug, String name, AgentSpec specPatch, String promptId,
                        Integer promptVersion, boolean clearPrompt, Boolean makeDefault) {
        if (slug != null) {
            Slugs.check(slug);
        }
        AgentSpec spec = current.spec().merge(specPatch).withDefaults();
        String pid = clearPrompt ? null : promptId != null ? promptId : current.promptId();
        Integer pv = clearPrompt ? null : promptId != null || promptVersion != null ? promptVersion
                : current.promptVersion();
        check(current.tenantId(), spec, pid, pv);
        boolean def = makeDefault != null ? makeDefault : current.isDefault();
        Agent next = new Agent(current.id(), current.tenantId(), slug == null ? current.slug() : slug,
                name == null ? current.name() : name, spec, pid, pv, def, current.ownerPrincipalId(),
                current.version() + 1, current.createdAt(), clock.instant());
        boolean ok;
        try {
            ok = jdbi.inTransaction(h -> {
                if (!agents.update(h, next, current.version())) {
                    return false;
                }
                if (next.isDefault()) {
                    agents.clearDefaults(h, next.tenantId(), next.id());
                }
                return true;
            });
        } catch (RuntimeException e) {
            if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                throw Failure.conflict("slug_taken", "an agent with this slug exists");
            }
            throw e;
        }
        // Even a failed update may have raced one that committed: read again either way.
        changed(current.tenantId());
        if (!ok) {
            throw Failure.conflict("concurrent_update", "the agent changed meanwhile; read it and retry");
        }
        return next;
    }

    /** Every turn reads its agent: cached per tenant and id, evicted on each change of the tenant's agents. */
    private final io.channelhub.hub.persistence.TenantCache<String, Optional<Agent>> byId;

    private void changed(String tenantId) {
        byId.changed(tenantId);
    }

    public Agent get(String tenantId, String id) {
        return find(tenantId, id).orElseThrow(() -> Failure.notFound("agent"));
    }

    /** The tenant's agent by id, if it still exists. */
    public Optional<Agent> find(String tenantId, String id) {
        return byId.get(tenantId + "|" + id, k -> agents.find(tenantId, id));
    }

    /** The tenant's agent a setting names, by slug or by id. */
    public Optional<Agent> byReference(String tenantId, String ref) {
        Optional<Agent> a = bySlug(tenantId, ref);
        if (a.isPresent()) {
            return a;
        }
        return byId.get(tenantId + "|" + ref, k -> agents.find(tenantId, ref));
    }

    /** Each completion names its agent by slug: cached like {@link #get}, in the same per-tenant entries. */
    public Optional<Agent> bySlug(String tenantId, String slug) {
        return byId.get(tenantId + "|slug:" + slug, k -> agents.findBySlug(tenantId, slug));
    }

    public Optional<Agent> defaultAgent(String tenantId) {
        return agents.findDefault(tenantId);
    }

    public List<Agent> list(String tenantId) {
        return agents.list(tenantId);
    }

    public void delete(Agent a) {
        agents.delete(a.tenantId(), a.id());
        changed(a.tenantId());
    }

    /** The system instructions of a turn: the pinned (or latest) prompt version, then the agent's own. */
    public String instructions(Agent a) {
        StringBuilder sb = new StringBuilder();
        if (a.promptId() != null) {
            prompts.find(a.tenantId(), a.promptId()).ifPresent(p -> {
                int v = a.promptVersion() != null ? a.promptVersion() : p.latestVersion();
                prompts.version(a.tenantId(), p.id(), v).ifPresent(pv -> sb.append(pv.content()));
            });
        }
        if (a.spec().instructions() != null && !a.spec().instructions().isBlank()) {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(a.spec().instructions());
        }
        return sb.toString();
    }

    private void check(String tenantId, AgentSpec spec, String promptId, Integer promptVersion) {
        spec.validate();
        if (!providers.get().contains(spec.provider())) {
            throw Failure.invalid("unknown_provider", "no model provider " + spec.provider()
                    + " is available; known: " + providers.get().stream().sorted().toList(),
                    Map.of("field", "provider"));
        }
        for (AgentSpec.Fallback f : spec.fallbacks() == null ? List.<AgentSpec.Fallback>of() : spec.fallbacks()) {
            if (!providers.get().contains(f.provider())) {
                throw Failure.invalid("unknown_provider", "no model provider " + f.provider()
                        + " is available for a fallback; known: " + providers.get().stream().sorted().toList(),
                        Map.of("field", "fallbacks"));
            }
        }
        if (promptVersion != null && promptId == null) {
            throw Failure.invalid("invalid_agent", "prompt_version needs prompt_id",
                    Map.of("field", "prompt_version"));
        }
        if (promptId != null) {
            Prompt p = prompts.find(tenantId, promptId).orElseThrow(() -> Failure.invalid(
                    "unknown_prompt", "no such prompt in this tenant", Map.of("field", "prompt_id")));
            if (promptVersion != null && (promptVersion < 1 || promptVersion > p.latestVersion())) {
                throw Failure.invalid("unknown_prompt_version", "the prompt has no version " + promptVersion,
                        Map.of("field", "prompt_version"));
            }
        }
    }
}
