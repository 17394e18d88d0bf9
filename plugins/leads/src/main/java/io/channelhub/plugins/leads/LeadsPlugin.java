package io.channelhub.plugins.leads;

import org.pf4j.Plugin;

/**
 * The leads plugin: {@link BuyingIntent} reads each completed turn of a tenant that enabled it, finds buying intent and
 * the contact's data, scores the lead and reports it to the hub, which keeps, qualifies and announces it.
 */
public class LeadsPlugin extends Plugin {
}
