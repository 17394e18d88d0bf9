package io.channelhub.hub.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * The API reads JSON as written: a value of the wrong JSON type is the caller's mistake (422 naming the field),
 * never something to guess at. Money, limits and flags are where a guess costs most: {@code "1"} for an amount,
 * {@code 1.5} truncated to {@code 1}, {@code "true"} or {@code 1} for a flag, {@code null} read as zero. Text
 * must be storable ({@link StoredText}).
 */
public final class StrictJson {

    private StrictJson() {
    }

    /**
     * A route's body read after the caller was authorised (so a stranger learns nothing from a malformed one): null
     * when there is none; a body that is not what the route takes fails as every body does (the JSON error mapper's
     * 400/422 naming the field).
     */
    public static <T> T readAuthorised(ObjectMapper json, String raw, Class<T> type)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        return raw == null || raw.isBlank() ? null : json.readValue(raw, type);
    }

    public static ObjectMapper apply(ObjectMapper json) {
        json.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        json.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        json.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        json.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        json.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        json.coercionConfigFor(LogicalType.Float)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        json.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        json.registerModule(StoredText.module());
        return json;
    }
}
