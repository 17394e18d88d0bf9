package io.channelhub.plugins.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.Settings;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/** Which page a widget request comes from, from the headers a browser sends, and what the widget does with it. */
class PageOriginTest {

    private static final String HUB = "http://localhost:8080";
    private static final String SITE = "https://www.acme.example";

    private static InboundRequest request(String hubOrigin, String... headers) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i + 1] != null) {
                h.put(headers[i], List.of(headers[i + 1]));
            }
        }
        return new InboundRequest("GET", "/config", h, Map.of(), null, "127.0.0.1", hubOrigin);
    }

    @ParameterizedTest(name = "Origin {0}, Sec-Fetch-Site {1}, Referer {2} -> {3}")
    @CsvSource(nullValues = "-", value = {
            // A cross-origin request names its page; Fetch Metadata and Referer do not change that.
            SITE + ",            cross-site,  -,                              " + SITE,
            SITE + ",            -,           -,                              " + SITE,
            "https://WWW.Acme.example:443, cross-site, -,                     " + SITE,
            "https://evil.example, cross-site, " + HUB + "/demo,              https://evil.example",
            // A same-origin POST carries Origin too.
            HUB + ",             same-origin, " + HUB + "/demo,               " + HUB,
            // A same-origin GET carries no Origin: the browser's Sec-Fetch-Site says it is the hub's own page.
            "-,                  same-origin, " + HUB + "/demo,               " + HUB,
            "-,                  same-origin, -,                              " + HUB,
            "-,                  SAME-ORIGIN, -,                              " + HUB,
            // No Origin and anything but same-origin names no page, whatever the Referer says.
            "-,                  cross-site,  " + HUB + "/demo,               -",
            "-,                  same-site,   " + HUB + "/demo,               -",
            "-,                  none,        -,                              -",
            "-,                  cross-site,  " + SITE + "/,                  -",
            // A browser before Fetch Metadata: only a Referer on the hub's own origin.
            "-,                  -,           " + HUB + "/demo?x=1,           " + HUB,
            "-,                  -,           " + SITE + "/page,              -",
            "-,                  -,           not a url,                      -",
            // Nothing at all (curl, a server): no page.
            "-,                  -,           -,                              -",
            // Sandboxed frames and file:// pages send the opaque origin.
            "null,               cross-site,  -,                              -",
    })
    void judgesThePageFromTheBrowsersHeaders(String origin, String site, String referer, String expected) {
        PageOrigin page = PageOrigin.of(request(HUB, "Origin", origin, "Sec-Fetch-Site", site, "Referer", referer));
        assertThat(page.origin()).isEqualTo(expected);
        assertThat(page.evidence()).isNotBlank();
    }

    @Test
    void withoutTheHubsOriginASameOriginClaimNamesNoPage() {
        assertThat(PageOrigin.of(request(null, "Sec-Fetch-Site", "same-origin")).origin()).isNull();
        assertThat(PageOrigin.of(request(null, "Referer", HUB + "/demo")).origin()).isNull();
        // The old constructor (plugin API 1.1) leaves it out.
        InboundRequest old = new InboundRequest("GET", "/config", Map.of("Sec-Fetch-Site", List.of("same-origin")),
                Map.of(), null, "127.0.0.1");
        assertThat(PageOrigin.of(old).origin()).isNull();
    }

    @Test
    void theHubsOwnOriginIsCanonicalised() {
        assertThat(PageOrigin.of(request("HTTP://LocalHost:80", "Sec-Fetch-Site", "same-origin")).origin())
                .isEqualTo("http://localhost");
        assertThat(PageOrigin.of(request("http://[::1]:8080", "Sec-Fetch-Site", "same-origin")).origin())
                .isEqualTo("http://[::1]:8080");
    }

    @Test
    void aLoggedHeaderStaysOnOneBoundedLine() {
        assertThat(PageOrigin.shown("https://evil.example\nFAKE LINE")).isEqualTo("'https://evil.example?FAKE LINE'");
        assertThat(PageOrigin.shown("x".repeat(500))).hasSizeLessThan(210);
    }

    // The widget's answer -------------------------------------------------------------------------------------

    @Test
    void servesTheHubsOwnPageWhenItsOriginIsAllowed() {
        Widget w = new Widget(List.of(HUB));
        InboundResult r = w.handle(request(HUB, "Sec-Fetch-Site", "same-origin", "Referer", HUB + "/demo"));
        assertThat(r.answer().status()).isEqualTo(200);
        assertThat(r.answer().headers()).containsEntry("Access-Control-Allow-Origin", HUB);
        assertThat(new String(r.answer().body(), StandardCharsets.UTF_8)).contains("\"widget_id\":\"ci_1\"");
        assertThat(w.logged).isEmpty();
    }

    @Test
    void refusesTheHubsOwnPageWhenItsOriginIsNotAllowed() {
        Widget w = new Widget(List.of(SITE));
        InboundResult r = w.handle(request(HUB, "Sec-Fetch-Site", "same-origin"));
        assertThat(r.answer().status()).isEqualTo(403);
        assertThat(w.logged).singleElement().asString().contains(HUB).contains("[" + SITE + "]");
    }

    @Test
    void refusesARequestThatNamesNoPageAndLogsWhy() {
        Widget w = new Widget(List.of(HUB, SITE));
        InboundResult r = w.handle(request(HUB));
        assertThat(r.answer().status()).isEqualTo(403);
        assertThat(new String(r.answer().body(), StandardCharsets.UTF_8)).contains("origin_not_allowed");
        assertThat(r.answer().headers()).doesNotContainKey("Access-Control-Allow-Origin");
        assertThat(w.logged).singleElement().asString().contains("page origin unknown")
                .contains("no Origin nor Sec-Fetch-Site").contains("[" + HUB + ", " + SITE + "]");
    }

    @Test
    void refusesAForeignOriginAndLogsItWithTheAllowedList() {
        Widget w = new Widget(List.of(SITE));
        InboundResult r = w.handle(request(HUB, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"));
        assertThat(r.answer().status()).isEqualTo(403);
        assertThat(w.logged).singleElement().asString().contains("page origin https://evil.example")
                .contains("Origin 'https://evil.example'").contains("[" + SITE + "]");
    }

    /** The connector on one widget instance, with the settings and the logger a context gives it. */
    private static final class Widget {
        final List<String> logged = new ArrayList<>();
        final PluginContext ctx;

        Widget(List<String> origins) {
            Settings settings = new Settings(Map.of("allowed_origins", String.join("\n", origins)));
            PluginContext.InstanceInfo instance = new PluginContext.InstanceInfo("ci_1", "channel-web", "site",
                    settings);
            Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
                    new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                        if (method.getName().equals("info") && args != null && args[0] instanceof String f) {
                            Object[] rest = args.length == 2 && args[1] instanceof Object[] a ? a
                                    : java.util.Arrays.copyOfRange(args, 1, args.length);
                            logged.add(MessageFormatter.arrayFormat(f, rest).getMessage());
                        }
                        return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                    });
            ctx = (PluginContext) Proxy.newProxyInstance(PluginContext.class.getClassLoader(),
                    new Class<?>[] {PluginContext.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "instance" -> Optional.of(instance);
                        case "settings" -> settings;
                        case "logger" -> logger;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        InboundResult handle(InboundRequest request) {
            return new WebConnector().handleInbound(request, new InboundScope() {
                @Override
                public Optional<PluginContext> instance() {
                    return Optional.of(ctx);
                }

                @Override
                public Optional<PluginContext> findInstance(String routingKeyValue) {
                    return Optional.empty();
                }
            });
        }
    }
}
