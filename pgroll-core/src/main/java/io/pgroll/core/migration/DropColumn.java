package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record DropColumn(
        @JsonProperty("table") String table,
        @JsonProperty("column") String column,
        @JsonProperty("down") String down) implements Operation {
}
