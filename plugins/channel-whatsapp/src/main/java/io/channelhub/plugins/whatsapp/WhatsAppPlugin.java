package io.channelhub.plugins.whatsapp;

import org.pf4j.Plugin;

/** The channel-whatsapp plugin: WhatsApp Cloud API channel. Its extensions are discovered by pf4j from their {@code @Extension} annotation. */
public class WhatsAppPlugin extends Plugin {
}
