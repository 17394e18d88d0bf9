package io.channelhub.hub.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads what is left of a small request body once the request is handled. A request answered without reading its
 * body (an unknown route, a wrong method, a refused key) would otherwise make the server close the keep-alive
 * connection, and a client that already reused it for its next request gets no answer at all.
 */
public class DrainRequestBodyFilter implements Filter {

    private static final int LIMIT = 64 * 1024;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
        if (request.getContentLengthLong() == 0 || request.isAsyncStarted()) {
            return;
        }
        try {
            InputStream in = request.getInputStream();
            byte[] buf = new byte[8192];
            int total = 0;
            for (int n = in.read(buf); n > 0 && total < LIMIT; n = in.read(buf)) {
                total += n;
            }
        } catch (IllegalStateException | IOException e) {
            // The body was read as characters, or the client is gone: nothing to drain.
        }
    }
}
