package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;

public record DropIndex(@JsonProperty("name") String name) implements Operation {
}
