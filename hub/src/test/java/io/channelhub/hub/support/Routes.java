package io.channelhub.hub.support;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every route the running hub registered, read from its Jersey resources, so a new route is walked automatically. */
public final class Routes {

    private Routes() {
    }

    /** One method and path template. */
    public record Route(String method, String template) {
        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    /**
     * The routes an API key authenticates. The channel routes ({@code /hooks/...}) authenticate by their own
     * credentials (widget id, origin and visitor token; a webhook signature) and ignore API keys: the channel
     * contracts (WebChannelContract) try those across visitors, widgets and tenants.
     */
    public static List<Route> api(TestHub hub) {
        // The console's own routes ({@code /console/...}) are its files and its sign-in, which takes a password or a
        // key in the body and then a session cookie; ConsoleContract tries those across users, tenants and roles.
        return of(hub).stream().filter(r -> !r.template().startsWith("/hooks/") && !r.template().startsWith("/console"))
                .toList();
    }

    public static List<Route> of(TestHub hub) {
        return new ArrayList<>(methods(hub).keySet());
    }

    /**
     * Every resource method the hub serves, with its route: a resource's methods, and through its sub-resource
     * locators (a path, no HTTP method) the sections below. Dropwizard registers resource instances through binders;
     * their classes are what Jersey routes to.
     */
    public static Map<Route, Method> methods(TestHub hub) {
        Map<Route, Method> out = new TreeMap<>(
                Comparator.comparing(Route::template).thenComparing(Route::method));
        for (Class<?> type : hub.environment().jersey().getResourceConfig().getClasses()) {
            Path classPath = type.getAnnotation(Path.class);
            if (classPath != null) {
                methods(type, classPath.value(), out, 0);
            }
        }
        return out;
    }

    private static void methods(Class<?> type, String prefix, Map<Route, Method> out, int depth) {
        for (Method m : type.getMethods()) {
            Path sub = m.getAnnotation(Path.class);
            String t = join(prefix, sub == null ? "" : sub.value());
            String http = httpMethod(m);
            if (http != null) {
                out.put(new Route(http, t), m);
            } else if (sub != null) {
                if (depth >= 5) {
                    throw new IllegalStateException("sub-resource locators nest too deep at " + t);
                }
                methods(m.getReturnType(), t, out, depth + 1);
            }
        }
    }

    /** The HTTP method a resource method answers, or null for a sub-resource locator. */
    public static String httpMethodOf(Method m) {
        return httpMethod(m);
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }

    private static String join(String a, String b) {
        // A parameter's regex ({path: (/.*)?}) is routing detail; docs and OpenAPI name the parameter only.
        String s = ("/" + a + "/" + b).replaceAll("\\{(\\w+):[^}]*}", "{$1}").replaceAll("/+", "/");
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
