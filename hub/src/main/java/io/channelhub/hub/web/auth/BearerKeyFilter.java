package io.channelhub.hub.web.auth;

import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.identity.Caller;
import io.dropwizard.auth.AuthFilter;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * {@code Authorization: Bearer <API key>}, and only the header: unlike Dropwizard's OAuth filter it never reads an
 * {@code access_token} query parameter, which would put keys into access logs. Without the header it steps aside
 * for the next filter of the chain; with any other scheme it refuses.
 */
@Priority(Priorities.AUTHENTICATION)
final class BearerKeyFilter extends AuthFilter<String, Caller> {

    static final String SCHEME = "Bearer";

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw unauthorizedHandler.buildException(prefix, realm);
        }
        if (!header.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
            throw ApiException.unauthorized("invalid_api_key", "use the Bearer scheme");
        }
        if (!authenticate(request, header.substring(SCHEME.length() + 1).trim(), SCHEME)) {
            throw ApiException.unauthorized("invalid_api_key", "API key is not valid");
        }
    }

    static final class Builder extends AuthFilterBuilder<String, Caller, BearerKeyFilter> {
        @Override
        protected BearerKeyFilter newInstance() {
            return new BearerKeyFilter();
        }
    }
}
