package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A table constraint in create_table.constraints[]: unique, check, primary_key, foreign_key or exclude. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Constraint(
        @JsonProperty("name") String name,
        @JsonProperty("type") String type,
        @JsonProperty("columns") List<String> columns,
        @JsonProperty("check") String check,
        @JsonProperty("deferrable") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean deferrable,
        @JsonProperty("initially_deferred") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean initiallyDeferred,
        @JsonProperty("nulls_not_distinct") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean nullsNotDistinct,
        @JsonProperty("no_inherit") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean noInherit,
        @JsonProperty("references") TableForeignKeyReference references,
        @JsonProperty("exclude") Exclude exclude,
        @JsonProperty("index_parameters") IndexParameters indexParameters) {

    /** An exclusion constraint: the index method, its {@code element WITH operator} list and an optional predicate. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Exclude(
            @JsonProperty("index_method") String indexMethod,
            @JsonProperty("elements") String elements,
            @JsonProperty("predicate") String predicate) {
    }
}
