package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Table-level foreign key target (create_table.constraints[].references, create_constraint.references). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableForeignKeyReference(
        @JsonProperty("table") String table,
        @JsonProperty("columns") List<String> columns,
        @JsonProperty("match_type") String matchType,
        @JsonProperty("on_delete") String onDelete,
        @JsonProperty("on_update") String onUpdate,
        @JsonProperty("on_delete_set_columns") List<String> onDeleteSetColumns) {
}
