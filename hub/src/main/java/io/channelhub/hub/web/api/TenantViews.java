package io.channelhub.hub.web.api;

import io.channelhub.hub.tenancy.Tenant;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** Wire shapes of the tenant API. */
public final class TenantViews {

    private TenantViews() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TenantView(String id, String slug, String name, String status, Instant createdAt,
                             Instant updatedAt) {
        public static TenantView of(Tenant t) {
            return new TenantView(t.id(), t.slug(), t.name(), t.status().wire(), t.createdAt(), t.updatedAt());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateTenant(@NotBlank @Size(max = 63) String slug, @NotBlank @Size(max = 200) String name) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateTenant(@Size(min = 1, max = 63) String slug, @Size(min = 1, max = 200) String name) {
    }
}
