package io.channelhub.hub.web.console;

import io.channelhub.hub.web.PublicApi;
import io.channelhub.hub.errors.ApiException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The console's files, from the hub jar: its page, script and styles, and the charting library from its WebJar. No
 * CDN and no build step, so the console works offline and can't drift from the hub it ships with. Everything is
 * served under a Content-Security-Policy that allows only this origin's scripts and styles, no inline code, no
 * framing.
 */
@Path("/console")
@PublicApi
public class ConsoleAssets {

    /** What the console may load: its own files, its own API. Nothing inline, nothing framed, no plugins. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final String ROOT = "io/channelhub/hub/console/assets/";
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    private record Asset(byte[] body, String type, String etag) {
    }

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    public ConsoleAssets() {
        for (String f : new String[] {"index.html", "console.js", "console.css", "api.js", "views.js", "forms.js",
                "charts.js", "favicon.svg"}) {
            assets.put(f, load(ROOT + f, f));
        }
        String uplot = UPLOT + webjarVersion() + "/dist/";
        assets.put("vendor/uPlot.esm.js", load(uplot + "uPlot.esm.js", "uPlot.esm.js"));
        assets.put("vendor/uPlot.min.css", load(uplot + "uPlot.min.css", "uPlot.min.css"));
    }

    /** {@code /console} itself sends the browser to {@code /console/}, so the page's relative links resolve. */
    @GET
    public Response root(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri,
                         @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        if (uri.getPath().endsWith("/")) {
            return file("", ifNoneMatch);
        }
        return Response.seeOther(URI.create("/console/")).build();
    }

    @GET
    @Path("/{file: .*}")
    public Response file(@PathParam("file") String file, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        // Every page of the single-page console is index.html; the script routes on the fragment.
        Asset a = assets.get(file.isEmpty() ? "index.html" : file);
        if (a == null) {
            throw ApiException.notFound("console file");
        }
        Response.ResponseBuilder r = a.etag().equals(ifNoneMatch) ? Response.notModified()
                : Response.ok(a.body(), a.type());
        return r.header(HttpHeaders.ETAG, a.etag())
                // Revalidated on each load (a 304 is cheap): an upgraded hub serves its own console at once.
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Cross-Origin-Opener-Policy", "same-origin")
                .header("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
                .build();
    }

    private static Asset load(String resource, String name) {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("console file missing from the hub jar: " + resource);
            }
            byte[] body = in.readAllBytes();
            String ext = name.substring(name.lastIndexOf('.') + 1);
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 12)
                    + "\"";
            return new Asset(body, TYPES.getOrDefault(ext, "application/octet-stream"), etag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The WebJar's version, from its own Maven metadata: the dependency's version lives in the pom only. */
    private static String webjarVersion() {
        try (InputStream in = ConsoleAssets.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the uPlot WebJar is missing from the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
