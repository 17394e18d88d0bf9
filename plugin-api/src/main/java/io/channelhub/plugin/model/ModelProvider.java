package io.channelhub.plugin.model;

import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsSchema;
import org.pf4j.ExtensionPoint;

/**
 * A family of language models. The hub resolves an agent's provider, merges the tenant's and the global
 * credentials into {@link Settings}, and wraps every call with retries, backoff, a circuit breaker, metering and
 * tracing; a provider only translates one request into its API and back.
 *
 * <pre>{@code
 * @Extension
 * public class MyModels implements ModelProvider {
 *     public String id() { return "my-models"; }
 *     public SettingsSchema settingsSchema() { return SettingsSchema.of(apiKey, baseUrl); }
 *     public ModelReply complete(ModelRequest r, Settings s) throws ModelException { ... }
 *     public ModelStream stream(ModelRequest r, Settings s) throws ModelException { ... }
 * }
 * }</pre>
 */
public interface ModelProvider extends ExtensionPoint {

    /** The id agents name in their {@code provider} field. */
    String id();

    /** Credentials and options a tenant (or the operator, globally) configures. */
    SettingsSchema settingsSchema();

    /** One complete reply. */
    ModelReply complete(ModelRequest request, Settings settings) throws ModelException;

    /** A streamed reply; the hub closes the stream when the caller goes away, which must stop the upstream call. */
    ModelStream stream(ModelRequest request, Settings settings) throws ModelException;
}
