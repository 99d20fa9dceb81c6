package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code nullable} is a Boolean: absent means unchanged. {@code default}/{@code comment} are tri-state. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlterColumn(
        @JsonProperty("table") String table,
        @JsonProperty("column") String column,
        @JsonProperty("type") String type,
        @JsonProperty("nullable") Boolean nullable,
        @JsonProperty("unique") UniqueConstraint unique,
        @JsonProperty("check") CheckConstraint check,
        @JsonProperty("references") ForeignKeyReference references,
        @JsonProperty("default") TriState defaultValue,
        @JsonProperty("comment") TriState comment,
        @JsonProperty("up") String up,
        @JsonProperty("down") String down) implements NotYetSupported {

    public record UniqueConstraint(@JsonProperty("name") String name) {
    }
}
