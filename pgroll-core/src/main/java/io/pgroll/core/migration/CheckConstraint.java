package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A column's {@code check}: an optional name and the boolean expression; {@code no_inherit} for NO INHERIT. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckConstraint(
        @JsonProperty("name") String name,
        @JsonProperty("constraint") String constraint,
        @JsonProperty("no_inherit") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean noInherit) {
}
