package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Either a stored generated expression or an identity; never both. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnGenerated(
        @JsonProperty("expression") String expression,
        @JsonProperty("identity") Identity identity) {

    /** An identity column: {@code ALWAYS} or {@code BY DEFAULT} (user_specified_values) and its sequence options. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Identity(
            @JsonProperty("user_specified_values") String userSpecifiedValues,
            @JsonProperty("sequence_options") String sequenceOptions) {
    }
}
