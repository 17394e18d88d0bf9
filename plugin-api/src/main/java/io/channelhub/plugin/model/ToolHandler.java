package io.channelhub.plugin.model;

import io.channelhub.plugin.PluginContext;
import org.pf4j.ExtensionPoint;

/**
 * Runs a function tool in the hub when an agent's model calls it, so the turn can continue without the integrator.
 * Tools without a handler are returned to the caller, as OpenAI's API does. The hub bounds the number of rounds.
 *
 * <pre>{@code
 * @Extension
 * public class OrderLookup implements ToolHandler {
 *     public String toolName() { return "get_order"; }
 *     public String invoke(String argumentsJson, PluginContext context) { return "{\"status\":\"shipped\"}"; }
 * }
 * }</pre>
 */
public interface ToolHandler extends ExtensionPoint {

    /** The function name it answers. */
    String toolName();

    /** The tool's result (usually JSON) for the model. An exception is reported to the model as an error result. */
    String invoke(String argumentsJson, PluginContext context) throws Exception;
}
