package io.channelhub.hub;

import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.knowledge.Embedders;
import io.channelhub.hub.knowledge.IndexFeed;
import io.channelhub.hub.knowledge.Ingestion;
import io.channelhub.hub.knowledge.Knowledge;
import io.channelhub.hub.knowledge.KnowledgeConfig;
import io.channelhub.hub.knowledge.KnowledgeFiles;
import io.channelhub.hub.knowledge.KnowledgeSearch;
import io.channelhub.hub.knowledge.Retrieval;
import io.channelhub.hub.knowledge.TextExtractor;
import io.channelhub.hub.knowledge.Tokens;
import io.channelhub.hub.knowledge.VectorStores;
import io.channelhub.hub.web.api.FilesResource;
import io.channelhub.hub.web.api.VectorStoresResource;
import io.dropwizard.core.setup.Environment;
import java.time.Duration;
import org.glassfish.jersey.media.multipart.MultiPartFeature;

/**
 * Knowledge: files, vector stores, their ingestion as durable background work, the index plugin fed on every
 * replica, search, and the retrieval step of agent turns.
 */
final class KnowledgeBundle extends HubBundle<KnowledgeBundle.Parts> {

    record Parts(Knowledge knowledge, Retrieval retrieval, Ingestion ingestion, IndexFeed feed, FilesResource files,
                 VectorStoresResource vectorStores) {
    }

    private final CoreBundle core;
    private final PluginsBundle plugins;
    private final IdentityBundle identity;
    private final UsageBundle usage;
    private final AgentsBundle agents;

    KnowledgeBundle(CoreBundle core, PluginsBundle plugins, IdentityBundle identity, UsageBundle usage,
                    AgentsBundle agents) {
        this.core = core;
        this.plugins = plugins;
        this.identity = identity;
        this.usage = usage;
        this.agents = agents;
    }

    @Override
    protected Parts build(HubConfiguration config, Environment env) {
        var c = core.get();
        var id = identity.get();
        var u = usage.get();
        KnowledgeConfig kc = config.getKnowledge();
        var platform = plugins.get().platform();
        KnowledgeFiles files = new KnowledgeFiles(c.jdbi(), u.ledger(), u.quotas(), c.clock());
        VectorStores stores = new VectorStores(c.jdbi(), c.stored(), c.clock());
        Tokens tokens = new Tokens();
        Embedders embedders = new Embedders(agents.get().models(), c.json());
        TextExtractor tika = new TextExtractor();
        IndexFeed feed = new IndexFeed(platform, kc.getIndex(), stores, files, c.changes(),
                Duration.ofMillis(kc.getReconcileInterval().toMilliseconds()), c.metrics(), c.clock());
        Ingestion ingestion = new Ingestion(c.jdbi(), stores, files, tika, tokens, embedders, feed, u.ledger(), kc,
                c.clock(), c.metrics());
        c.metrics().backlog("channelhub_knowledge_ingestion", "Files added to vector stores", () -> {
            var b = ingestion.backlog();
            return new io.channelhub.hub.observability.HubMetrics.Backlog(b.rows(), b.oldest());
        }, c.clock());
        c.metrics().gauge("channelhub_knowledge_index_files", "Files this replica's knowledge index holds",
                feed::heldFiles);
        c.metrics().gauge("channelhub_knowledge_index_reconciled_age_seconds", "Seconds since this replica's "
                + "knowledge index last matched the database (-1 while it is first built)",
                feed::secondsSinceReconciled);
        env.lifecycle().manage(feed);
        id.tenants().onDeleted(feed::tenantRemoved);
        env.lifecycle().manage(ingestion);
        KnowledgeSearch search = new KnowledgeSearch(stores, embedders, feed, platform, u.ledger());
        Knowledge knowledge = new Knowledge(files, stores, embedders, ingestion, feed, search, tika, kc, c.clock());
        env.lifecycle().manage(new io.channelhub.hub.knowledge.Expiry(knowledge, c.clock(),
                kc.getPollInterval().toMilliseconds() * 30));
        id.resources().register(ResourceType.FILE, (tenantId, fid) -> files.find(tenantId, fid)
                .map(f -> new ResourceDirectory.ResourceRef(ResourceType.FILE, f.id(), f.ownerPrincipalId())));
        id.resources().register(ResourceType.VECTOR_STORE, (tenantId, sid) -> stores.find(tenantId, sid)
                .map(s -> new ResourceDirectory.ResourceRef(ResourceType.VECTOR_STORE, s.id(), s.ownerPrincipalId())));
        env.jersey().register(MultiPartFeature.class);
        return new Parts(knowledge, new Retrieval(stores, search, kc, c.clock()), ingestion, feed,
                new FilesResource(knowledge, id.grants(), id.access(), id.audit(), c.clock()),
                new VectorStoresResource(knowledge, id.grants(), id.access(), id.audit(), c.clock()));
    }
}
