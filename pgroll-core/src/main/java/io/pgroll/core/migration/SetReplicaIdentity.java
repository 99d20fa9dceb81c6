package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Deprecated upstream; still accepted. */
public record SetReplicaIdentity(
        @JsonProperty("table") String table,
        @JsonProperty("identity") Identity identity) implements Operation {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Identity(@JsonProperty("type") String type, @JsonProperty("index") String index) {
    }
}
