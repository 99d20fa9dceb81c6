package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record AddColumn(
        @JsonProperty("table") String table,
        @JsonProperty("column") Column column,
        @JsonProperty("up") String up) implements Operation {
}
