package io.channelhub.hub.web;

import io.swagger.v3.jaxrs2.integration.JaxrsOpenApiContextBuilder;
import io.swagger.v3.oas.integration.SwaggerConfiguration;
import io.swagger.v3.oas.integration.api.OpenApiContext;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.core.util.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;

/**
 * The OpenAPI 3 description of the REST API, generated from the resources at first request and cached. Scanning
 * is limited to the hub's own packages so library resources never appear in it.
 */
@Path("/openapi.json")
@PublicApi
public class OpenApiDocument {

    private final Set<String> resourceClasses;
    private final String version;
    private volatile String document;

    public OpenApiDocument(Set<String> resourceClasses, String version) {
        this.resourceClasses = resourceClasses;
        this.version = version;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String get() throws Exception {
        String d = document;
        if (d == null) {
            d = build();
            document = d;
        }
        return d;
    }

    private synchronized String build() throws Exception {
        OpenAPI base = new OpenAPI()
                .info(new Info().title("ChannelHub API").version(version)
                        .description("Tenant API (/v1), operator API (/admin) and the OpenAI-compatible endpoint. "
                                + "Authenticate with Authorization: Bearer <API key>. Errors are "
                                + "{\"error\":{\"code\",\"message\",\"details\"}}."))
                .components(new Components().addSecuritySchemes("apiKey", new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").description("ChannelHub API key (chk_...)")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
        SwaggerConfiguration config = new SwaggerConfiguration().openAPI(base).prettyPrint(true)
                .resourceClasses(resourceClasses).readAllResources(true).cacheTTL(-1L);
        OpenApiContext ctx = new JaxrsOpenApiContextBuilder<>().openApiConfiguration(config)
                .ctxId("channelhub-" + System.identityHashCode(this)).buildContext(true);
        return Json.pretty(ctx.read());
    }

    /**
     * The authenticated caller is a method parameter ({@code @Auth Caller}) that the filters fill in. The scanner
     * takes any parameter without a JAX-RS annotation for the request body, which would hide the real body behind
     * the caller; this extension, first in the scanner's chain, resolves such a parameter to nothing.
     */
    static final class AuthenticatedCaller extends io.swagger.v3.jaxrs2.ext.AbstractOpenAPIExtension {
        @Override
        public io.swagger.v3.jaxrs2.ResolvedParameter extractParameters(
                java.util.List<java.lang.annotation.Annotation> annotations, java.lang.reflect.Type type,
                java.util.Set<java.lang.reflect.Type> typesToSkip, io.swagger.v3.oas.models.Components components,
                jakarta.ws.rs.Consumes classConsumes, jakarta.ws.rs.Consumes methodConsumes, boolean includeRequestBody,
                com.fasterxml.jackson.annotation.JsonView jsonView,
                java.util.Iterator<io.swagger.v3.jaxrs2.ext.OpenAPIExtension> chain) {
            if (annotations.stream().anyMatch(a -> a instanceof io.dropwizard.auth.Auth)) {
                return new io.swagger.v3.jaxrs2.ResolvedParameter();
            }
            return super.extractParameters(annotations, type, typesToSkip, components, classConsumes, methodConsumes,
                    includeRequestBody, jsonView, chain);
        }
    }

    static {
        var extensions = io.swagger.v3.jaxrs2.ext.OpenAPIExtensions.getExtensions();
        if (extensions.stream().noneMatch(e -> e instanceof AuthenticatedCaller)) {
            extensions.add(0, new AuthenticatedCaller());
        }
    }
}
