package io.channelhub.hub.web.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared webhooks are answered before Jersey ({@link WebhookFilter}); what a sender sees must be what Jersey's chain
 * gives every other public route: the error shape and codes, the trace id, the security and rate-limit headers, the
 * per-address limit, and the request metric under the route's template.
 */
class WebhookFilterTest {

    @TempDir
    Path plugins;

    @Test
    void aSharedWebhookPostIsAnsweredAsJerseyAnswersItsOtherRoutes() throws Exception {
        TestPlugins.testChannel(plugins);
        try (TestHub hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                ConfigOverride.config("rateLimits.publicPerIp.capacity", "3"),
                ConfigOverride.config("rateLimits.publicPerIp.period", "1h"))) {
            String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            TestHub.Reply post = hub.call("POST", "/hooks/plugins/no-such-plugin/webhook",
                    Map.of("Content-Type", "application/json", "traceparent", traceparent), "{}");
            // The same route read through Jersey: the same answer.
            TestHub.Reply get = hub.call("GET", "/hooks/plugins/no-such-plugin/webhook", Map.of(), null);
            for (TestHub.Reply r : java.util.List.of(post, get)) {
                assertThat(r.status()).isEqualTo(404);
                assertThat(r.code()).isEqualTo("channel_not_found");
                assertThat(r.json().path("error").path("type").asText()).isEqualTo("not_found_error");
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
                assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
                assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
                assertThat(r.headers().firstValue("RateLimit-Limit")).hasValue("3");
            }
            // The sender's trace continues: the error and the header carry its trace id.
            assertThat(post.headers().firstValue("X-Trace-Id")).hasValue("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(post.json().path("error").path("trace_id").asText())
                    .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(post.headers().firstValue("RateLimit-Remaining")).hasValue("2");

            // A running plugin's own answer goes out as it gave it (the test channel takes any path).
            TestHub.Reply plugin = hub.call("POST", "/hooks/plugins/test-channel/anything",
                    Map.of("Content-Type", "application/json"), "{}");
            assertThat(plugin.status()).isLessThan(500);
            assertThat(plugin.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

            // The fourth request from the address is refused, with the delay.
            TestHub.Reply refused = hub.call("POST", "/hooks/plugins/no-such-plugin/webhook",
                    Map.of("Content-Type", "application/json"), "{}");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.code()).isEqualTo("rate_limited");
            assertThat(refused.json().path("error").path("details").path("limit").asText()).isEqualTo("ip");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.headers().firstValue("RateLimit-Remaining")).hasValue("0");

            // The hub's own filter answers the post itself; Jersey never sees it. A read goes on to Jersey.
            WebhookFilter filter = (WebhookFilter) hub.environment().getApplicationContext().getServletHandler()
                    .getFilter("webhooks").getFilter();
            java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
            Map<String, Object> answer = new java.util.HashMap<>();
            java.util.concurrent.atomic.AtomicInteger passedOn = new java.util.concurrent.atomic.AtomicInteger();
            filter.doFilter(request("POST", "/hooks/plugins/no-such-plugin/webhook", "10.9.8.7"),
                    response(answer, written), (rq, rs) -> passedOn.incrementAndGet());
            assertThat(passedOn).hasValue(0);
            assertThat(answer).containsEntry("status", 404).containsEntry("X-Content-Type-Options", "nosniff");
            assertThat(written.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("\"channel_not_found\"");
            filter.doFilter(request("GET", "/hooks/plugins/no-such-plugin/webhook", "10.9.8.7"),
                    response(answer, written), (rq, rs) -> passedOn.incrementAndGet());
            assertThat(passedOn).hasValue(1);

            String metrics = hub.send(null, "GET", hub.adminUrl("/prometheus"), null).body();
            assertThat(metrics).contains("channelhub_http_request_duration_seconds_count{method=\"POST\","
                    + "route=\"/hooks/plugins/{pluginId}{path: (/.*)?}\",status=\"4xx\"}");
        }
    }

    /** A request as a servlet container hands it to a filter: only what a filter reads of it. */
    private static jakarta.servlet.http.HttpServletRequest request(String method, String path, String address) {
        byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(body);
        Map<String, String> headers = Map.of("Content-Type", "application/json");
        return (jakarta.servlet.http.HttpServletRequest) java.lang.reflect.Proxy.newProxyInstance(
                WebhookFilterTest.class.getClassLoader(), new Class<?>[] {jakarta.servlet.http.HttpServletRequest.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "toString" -> method + " " + path;
                    case "getServletPath" -> "";
                    case "getPathInfo" -> path;
                    case "getRemoteAddr" -> address;
                    case "getScheme" -> "http";
                    case "getServerName" -> "hub.example";
                    case "getServerPort" -> 80;
                    case "getQueryString", "getAttribute" -> null;
                    case "getHeader" -> headers.get((String) args[0]);
                    case "getHeaderNames" -> java.util.Collections.enumeration(headers.keySet());
                    case "getHeaders" -> java.util.Collections.enumeration(headers.containsKey((String) args[0])
                            ? java.util.List.of(headers.get((String) args[0])) : java.util.List.of());
                    case "getInputStream" -> new jakarta.servlet.ServletInputStream() {
                        public int read() {
                            return in.read();
                        }

                        public boolean isFinished() {
                            return in.available() == 0;
                        }

                        public boolean isReady() {
                            return true;
                        }

                        public void setReadListener(jakarta.servlet.ReadListener l) {
                        }
                    };
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** A response that keeps its status and headers in {@code answer} and its body in {@code body}. */
    private static jakarta.servlet.http.HttpServletResponse response(Map<String, Object> answer,
                                                                      java.io.ByteArrayOutputStream body) {
        return (jakarta.servlet.http.HttpServletResponse) java.lang.reflect.Proxy.newProxyInstance(
                WebhookFilterTest.class.getClassLoader(),
                new Class<?>[] {jakarta.servlet.http.HttpServletResponse.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus" -> answer.put("status", args[0]);
                        case "setHeader", "addHeader" -> answer.put((String) args[0], args[1]);
                        case "containsHeader" -> {
                            return answer.containsKey((String) args[0]);
                        }
                        case "setContentType" -> answer.put("Content-Type", args[0]);
                        case "setContentLength" -> answer.put("Content-Length", args[0]);
                        case "getOutputStream" -> {
                            return new jakarta.servlet.ServletOutputStream() {
                                public void write(int b) {
                                    body.write(b);
                                }

                                public boolean isReady() {
                                    return true;
                                }

                                public void setWriteListener(jakarta.servlet.WriteListener l) {
                                }
                            };
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    }
                    return null;
                });
    }
}
