package io.channelhub.hub.limits;

import io.channelhub.hub.errors.HubFailure;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A hard quota would be passed by the work asked for: refused before anything of it is stored or billed. */
public final class QuotaExceeded extends HubFailure {

    private static final long serialVersionUID = 1L;
    public static final String CODE = "quota_exceeded";

    private final String usageType;
    private final String period;
    private final long limit;
    private final long used;
    private final Instant resetsAt;

    public QuotaExceeded(String usageType, String period, long limit, long used, Instant resetsAt) {
        super(Kind.LIMIT_REACHED, CODE, "the " + period + " quota for " + usageType + " is used up",
                details(usageType, period, limit, used, resetsAt));
        this.usageType = usageType;
        this.period = period;
        this.limit = limit;
        this.used = used;
        this.resetsAt = resetsAt;
    }

    private static Map<String, Object> details(String usageType, String period, long limit, long used,
                                               Instant resetsAt) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("usage_type", usageType);
        d.put("period", period);
        d.put("limit", limit);
        d.put("used", used);
        if (resetsAt != null) {
            d.put("resets_at", resetsAt.toString());
        }
        return d;
    }

    public String usageType() {
        return usageType;
    }

    public String period() {
        return period;
    }

    public long limit() {
        return limit;
    }

    public long used() {
        return used;
    }

    public Optional<Instant> resetsAt() {
        return Optional.ofNullable(resetsAt);
    }
}
