package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Who the presented key is: handy to check a key, and what a console shows to decide which actions to offer. */
@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Me(String keyId, String keyName, String tenantId, String role, List<String> permissions) {
    }

    @GET
    public Me me(@Auth Caller c) {
        List<String> perms = Arrays.stream(Permission.values()).filter(c.role()::allows)
                .map(p -> p.name().toLowerCase(Locale.ROOT)).toList();
        return new Me(c.keyId(), c.keyName(), c.tenantId(), c.role().wire(), perms);
    }
}
