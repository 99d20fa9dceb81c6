package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateIndex(
        @JsonProperty("name") String name,
        @JsonProperty("table") String table,
        @JsonProperty("columns") List<IndexField> columns,
        @JsonProperty("method") String method,
        @JsonProperty("unique") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean unique,
        @JsonProperty("predicate") String predicate,
        @JsonProperty("storage_parameters") String storageParameters) implements Operation {
}
