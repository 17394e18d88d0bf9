import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A container health check for an image without curl or a shell: {@code java HealthProbe.java <url>} (Java's
 * source launcher) exits 0 when the URL answers 200 within 4 s, 1 otherwise. Used by the compose file on the hub's
 * {@code /health/ready}.
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                    HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(4)).build(),
                    HttpResponse.BodyHandlers.discarding());
            System.exit(r.statusCode() == 200 ? 0 : 1);
        } catch (java.io.IOException | IllegalArgumentException e) {
            System.err.println("health check failed: " + e);
            System.exit(1);
        }
    }
}
