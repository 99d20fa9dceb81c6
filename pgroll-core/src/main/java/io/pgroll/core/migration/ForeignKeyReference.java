package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Column-level foreign key. Actions default to NO ACTION, match type to SIMPLE. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ForeignKeyReference(
        @JsonProperty("name") String name,
        @JsonProperty("table") String table,
        @JsonProperty("column") String column,
        @JsonProperty("on_delete") String onDelete,
        @JsonProperty("on_update") String onUpdate,
        @JsonProperty("match_type") String matchType,
        @JsonProperty("deferrable") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean deferrable,
        @JsonProperty("initially_deferred") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean initiallyDeferred) {
}
