package io.channelhub.hub.web;

import io.channelhub.hub.knowledge.Citation;
import java.util.List;

/**
 * What an end user sees of a reply's citations: the number the reply cites and the document's name. Store, file
 * and chunk ids stay with the integrator's API.
 *
 * @param index the number the reply cites ({@code [1]})
 * @param title the document's file name
 */
public record Sources(int index, String title) {

    public static List<Sources> of(List<Citation> citations) {
        return citations == null ? List.of() : citations.stream().map(c -> new Sources(c.index(), c.filename()))
                .toList();
    }
}
