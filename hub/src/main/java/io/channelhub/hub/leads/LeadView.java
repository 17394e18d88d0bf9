package io.channelhub.hub.leads;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/** A lead as the API, the console and the {@code lead.qualified} webhook show it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LeadView(String id, String conversationId, String channelInstanceId, String endUserId,
                       String sourcePlugin, String intent, int score, String stage, boolean qualified, String name,
                       String email, String phone, String company, String role, String summary,
                       String ownerPrincipalId, Instant qualifiedAt, Instant createdAt, Instant updatedAt) {

    public static LeadView of(Lead l) {
        return new LeadView(l.id(), l.conversationId(), l.channelInstanceId(), l.endUserId(), l.sourcePlugin(),
                l.intent(), l.score(), l.stage(), l.qualifiedAt() != null, l.name(), l.email(), l.phone(),
                l.company(), l.role(), l.summary(), l.ownerPrincipalId(), l.qualifiedAt(), l.createdAt(),
                l.updatedAt());
    }
}
