package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Deprecated upstream in favour of drop_multicolumn_constraint; still accepted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DropConstraint(
        @JsonProperty("table") String table,
        @JsonProperty("name") String name,
        @JsonProperty("up") String up,
        @JsonProperty("down") String down) implements NotYetSupported {
}
