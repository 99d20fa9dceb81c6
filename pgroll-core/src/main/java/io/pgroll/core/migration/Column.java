package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A column as written in create_table.columns[] and add_column.column. {@code nullable} defaults to false (NOT NULL). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Column(
        @JsonProperty("name") String name,
        @JsonProperty("type") String type,
        @JsonProperty("nullable") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean nullable,
        @JsonProperty("unique") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean unique,
        @JsonProperty("pk") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean pk,
        @JsonProperty("default") String defaultValue,
        @JsonProperty("check") CheckConstraint check,
        @JsonProperty("references") ForeignKeyReference references,
        @JsonProperty("comment") String comment,
        @JsonProperty("generated") ColumnGenerated generated) {
}
