package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateTable(
        @JsonProperty("name") String name,
        @JsonProperty("columns") List<Column> columns,
        @JsonProperty("constraints") List<Constraint> constraints,
        @JsonProperty("comment") String comment) implements Operation {
}
