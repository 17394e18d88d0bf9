package io.channelhub.plugin;

import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;

/**
 * The tenant's language models, through the hub's model gateway: for a plugin that needs a model's judgement about a
 * conversation (classify it, extract data from it, summarise it). A call runs on the tenant's configured credentials
 * for the provider (or the operator's), with the hub's retries, backoff and circuit breaker; its tokens are metered
 * to the tenant under this plugin's id ({@code model.prompt_tokens}, {@code model.completion_tokens}), and it is
 * refused before it starts when a hard token quota of the tenant is used up. By convention the tenant chooses the
 * provider and model, handed to the plugin through one of its settings, rather than the plugin picking a paid one. The
 * plugin must declare the providers it calls in its manifest ({@code Plugin-Capabilities: models=*} for any); one
 * without declarations calls none.
 *
 * <pre>{@code
 * if (!context.models().isDemo(provider)) {
 *     ModelReply reply = context.models().complete(provider, new ModelRequest(model, Api.CHAT_COMPLETIONS,
 *             "Answer with JSON.", List.of(ModelMessage.user(text)), 0.0, null, 300, List.of(), format, List.of()));
 * }
 * }</pre>
 *
 * @since 1.5.0
 */
public interface Models {

    /**
     * One complete reply.
     *
     * @param provider the provider's id, as agents name it ({@code openai}, or a plugin's)
     * @throws ModelException           when the model failed after the hub's retries, its circuit is open, or it
     *                                  refused the request or the credentials ({@link ModelException#kind()} says
     *                                  which)
     * @throws QuotaExceededException   when a hard token quota of the tenant is used up; no model was called
     * @throws IllegalArgumentException for a provider the hub does not have, or one this plugin did not declare
     */
    ModelReply complete(String provider, ModelRequest request) throws ModelException;

    /**
     * Whether this tenant's calls to the provider reach the hub's demo model (no credentials configured anywhere):
     * it only echoes, so a plugin uses its own logic instead.
     *
     * @throws IllegalArgumentException for a provider the hub does not have
     */
    boolean isDemo(String provider);
}
