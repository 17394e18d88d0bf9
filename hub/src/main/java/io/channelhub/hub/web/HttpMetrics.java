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
            List<UriTemplate> matched = new ArrayList<>(event.getUriInfo().getMatchedTemplates());
            String route;
            if (matched.isEmpty()) {
                route = "unmatched";
            } else {
                Collections.reverse(matched);
                StringBuilder sb = new StringBuilder();
                for (UriTemplate t : matched) {
                    String part = t.getTemplate();
                    if (!part.startsWith("/")) {
                        sb.append('/');
                    }
                    sb.append(part);
                }
                route = sb.toString().replaceAll("/+", "/");
            }
            int status = event.getContainerResponse() == null ? 500 : event.getContainerResponse().getStatus();
            metrics.httpDuration.labelValues(event.getContainerRequest().getMethod(), route, (status / 100) + "xx")
                    .observe((System.nanoTime() - start) / 1e9);
        };
    }
}
