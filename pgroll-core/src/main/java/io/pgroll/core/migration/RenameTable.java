package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;

public record RenameTable(
        @JsonProperty("from") String from,
        @JsonProperty("to") String to) implements Operation {
}
