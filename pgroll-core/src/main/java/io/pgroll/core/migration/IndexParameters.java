package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Index options of a unique, primary key or exclusion constraint: tablespace, storage parameters, INCLUDE columns. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexParameters(
        @JsonProperty("tablespace") String tablespace,
        @JsonProperty("storage_parameters") String storageParameters,
        @JsonProperty("include_columns") List<String> includeColumns) {
}
