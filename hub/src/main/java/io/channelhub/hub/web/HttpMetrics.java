package io.channelhub.hub.web;

import io.channelhub.hub.observability.HubMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;
import org.glassfish.jersey.uri.UriTemplate;

/** Times every request and labels it with its route template, never the concrete path. */
public class HttpMetrics implements ApplicationEventListener {

    private final HubMetrics metrics;

    public HttpMetrics(HubMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onEvent(ApplicationEvent event) {
    }

    @Override
    public RequestEventListener onRequest(RequestEvent requestEvent) {
        long start = System.nanoTime();
        return event -> {
            if (event.getType() != RequestEvent.Type.FINISHED) {
                return;
            }
            String route = route(event.getUriInfo().getMatchedTemplates());
            int status = event.getContainerResponse() == null ? 500 : event.getContainerResponse().getStatus();
            if ((status == 401 || status == 403)
                    && event.getContainerResponse().getEntity() instanceof ErrorResponse refused) {
                metrics.authFailure(status, refused.error().code());
            }
            metrics.httpDuration.labelValues(event.getContainerRequest().getMethod(), route, (status / 100) + "xx")
                    .observe((System.nanoTime() - start) / 1e9);
        };
    }

    private static final java.util.regex.Pattern SLASHES = java.util.regex.Pattern.compile("/+");

    /**
     * The route template of a request ({@code /v1/conversations/{conversationId}/messages}) from Jersey's matched
     * templates, innermost first; {@value #UNMATCHED} when nothing matched. Metrics and span names use it, never the
     * concrete path, whose ids would make every request its own series.
     */
    public static String route(List<UriTemplate> matchedInnermostFirst) {
        if (matchedInnermostFirst.isEmpty()) {
            return UNMATCHED;
        }
        List<UriTemplate> matched = new ArrayList<>(matchedInnermostFirst);
        Collections.reverse(matched);
        StringBuilder sb = new StringBuilder();
        for (UriTemplate t : matched) {
            String part = t.getTemplate();
            if (!part.startsWith("/")) {
                sb.append('/');
            }
            sb.append(part);
        }
        return SLASHES.matcher(sb).replaceAll("/");
    }

    public static final String UNMATCHED = "unmatched";
}
