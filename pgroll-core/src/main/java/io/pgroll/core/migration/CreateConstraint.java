package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateConstraint(
        @JsonProperty("table") String table,
        @JsonProperty("name") String name,
        @JsonProperty("type") String type,
        @JsonProperty("columns") List<String> columns,
        @JsonProperty("check") String check,
        @JsonProperty("no_inherit") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean noInherit,
        @JsonProperty("references") TableForeignKeyReference references,
        @JsonProperty("index_parameters") IndexParameters indexParameters,
        @JsonProperty("up") Map<String, String> up,
        @JsonProperty("down") Map<String, String> down) implements NotYetSupported {
}
