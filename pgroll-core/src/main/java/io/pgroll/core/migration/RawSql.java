package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code sql} operation. Without {@code onComplete} it must be the only operation of its migration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RawSql(
        @JsonProperty("up") String up,
        @JsonProperty("down") String down,
        @JsonProperty("onComplete") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean onComplete) implements Operation {
}
