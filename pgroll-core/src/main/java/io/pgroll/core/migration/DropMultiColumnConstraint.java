package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record DropMultiColumnConstraint(
        @JsonProperty("table") String table,
        @JsonProperty("name") String name,
        @JsonProperty("up") Map<String, String> up,
        @JsonProperty("down") Map<String, String> down) implements NotYetSupported {
}
