package io.channelhub.plugins.privacy;

import java.util.Set;

/** The data-subject export formats the hub can write for either jurisdiction. */
final class ExportFormats {

    static final Set<String> MACHINE_READABLE = Set.of("json", "csv");

    private ExportFormats() {
    }
}
