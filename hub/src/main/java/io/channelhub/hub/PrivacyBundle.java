package io.channelhub.hub;

import io.channelhub.hub.privacy.ContentRedaction;
import io.channelhub.hub.privacy.DataSubjects;
import io.channelhub.hub.privacy.PrivacyRequests;
import io.channelhub.hub.privacy.PrivacySettings;
import io.channelhub.hub.privacy.Retention;
import io.channelhub.hub.privacy.RetentionJob;
import io.channelhub.hub.web.api.PrivacyResource;
import io.dropwizard.core.setup.Environment;

/**
 * Privacy compliance: each tenant's jurisdiction and settings (from the privacy policy plugins), redaction of stored
 * messages and prompts, data-subject requests (export, erasure; knowledge files mentioning the subject included), and
 * retention run as a background job (knowledge files included).
 */
final class PrivacyBundle extends HubBundle<PrivacyBundle.Privacy> {

    record Privacy(PrivacySettings settings, ContentRedaction redaction, PrivacyResource api) {
    }

    private final CoreBundle core;
    private final PluginsBundle plugins;
    private final IdentityBundle identity;
    private final KnowledgeBundle knowledge;

    PrivacyBundle(CoreBundle core, PluginsBundle plugins, IdentityBundle identity, KnowledgeBundle knowledge) {
        this.knowledge = knowledge;
        this.core = core;
        this.plugins = plugins;
        this.identity = identity;
    }

    @Override
    protected Privacy build(HubConfiguration config, Environment env) {
        var c = core.get();
        var id = identity.get();
        var settings = new PrivacySettings(c.jdbi(), c.stored(), plugins.get().platform(), c.clock(),
                c.secrets().derive("privacy-hash"));
        var redaction = new ContentRedaction(c.jdbi(), settings, c.clock());
        var mentions = new io.channelhub.hub.knowledge.KnowledgeMentions(c.jdbi(), knowledge.get().knowledge());
        var requests = new PrivacyRequests(c.jdbi(), c.stored(), settings, new DataSubjects(c.jdbi(), c.stored(),
                c.secrets().derive("privacy-pseudonym"), java.util.List.of(mentions)), id.audit(), c.clock());
        var retention = new Retention(c.jdbi(), settings, c.clock(),
                java.util.List.of(new io.channelhub.hub.knowledge.KnowledgeRetention(knowledge.get().knowledge())),
                io.channelhub.hub.web.Idempotency.TTL);
        env.lifecycle().manage(new RetentionJob(c.jdbi(), retention, config.getRetentionInterval().toMilliseconds()));
        return new Privacy(settings, redaction,
                new PrivacyResource(settings, requests, retention, redaction, id.access(), id.audit(), c.clock()));
    }
}
