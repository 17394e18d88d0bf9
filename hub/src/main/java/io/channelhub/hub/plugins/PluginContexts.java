package io.channelhub.hub.plugins;

import io.channelhub.plugin.PluginContext;

/**
 * The one factory of the contexts handed to plugin code: every call into a plugin (a channel, a billing gateway, a
 * tool handler) gets its tenant's services the same way, so no caller assembles a context of its own.
 */
public interface PluginContexts {

    /** Tenant-wide work of a plugin, outside any channel instance (a tool call of an agent). */
    CorePluginContext forTenant(String tenantId, String pluginId);

    /** A billing gateway's call for one of its accounts: the account's settings, the tenant's services. */
    CorePluginContext forAccount(String tenantId, String pluginId, PluginContext.InstanceInfo account);
}
