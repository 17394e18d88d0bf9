package io.channelhub.plugins.web;

import org.pf4j.Plugin;

/** The channel-web plugin: Web chat widget channel. Its extensions are discovered by pf4j from their {@code @Extension} annotation. */
public class WebChannelPlugin extends Plugin {
}
