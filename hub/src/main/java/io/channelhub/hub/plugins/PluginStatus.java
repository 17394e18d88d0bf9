package io.channelhub.hub.plugins;

import java.util.List;

/**
 * What the hub knows about one plugin jar. {@code file} is the jar's name only; machine paths are never shown.
 *
 * @param id          the Plugin-Id, or the file name when the manifest could not be read
 * @param version     Plugin-Version, null when unknown
 * @param description Plugin-Description
 * @param provider    Plugin-Provider
 * @param requires    Plugin-Requires as declared
 * @param state       the state
 * @param reason      why it is not STARTED; null when it is
 * @param file        the jar's file name
 * @param extensions  the extensions it contributes
 * @param signedBy    {@code sha256:<fingerprint>} of the certificate that signed the jar; null when it is unsigned
 */
public record PluginStatus(String id, String version, String description, String provider, String requires,
                           PluginState state, String reason, String file, List<ExtensionInfo> extensions,
                           String signedBy) {

    /** One extension: its kind ({@code channel}, {@code billing_gateway}, {@code privacy_policy}) and id. */
    public record ExtensionInfo(String kind, String id) {
    }

    PluginStatus with(PluginState newState, String newReason, List<ExtensionInfo> newExtensions) {
        return new PluginStatus(id, version, description, provider, requires, newState, newReason, file,
                newExtensions, signedBy);
    }
}
