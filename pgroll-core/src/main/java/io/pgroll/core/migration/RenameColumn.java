package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;

public record RenameColumn(
        @JsonProperty("table") String table,
        @JsonProperty("from") String from,
        @JsonProperty("to") String to) implements Operation {
}
