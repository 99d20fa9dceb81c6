package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One element of create_index.columns. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexField(
        @JsonProperty("column") String column,
        @JsonProperty("collate") String collate,
        @JsonProperty("sort") String sort,
        @JsonProperty("nulls") String nulls,
        @JsonProperty("opclass") OpClass opclass) {

    /** An operator class for an index column, with its parameters. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OpClass(
            @JsonProperty("name") String name,
            @JsonProperty("params") List<String> params) {
    }
}
