package io.pgroll.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metadata that lets IDEs complete and document the properties is generated from PgRollProperties. */
class PgRollConfigurationMetadataTest {

    @Test
    void everyPropertyIsDescribedWithItsTypeAndDefault() throws Exception {
        Map<String, JsonNode> properties = new HashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            new ObjectMapper().readTree(in).get("properties").forEach(p -> properties.put(p.get("name").asText(), p));
        }
        assertThat(properties).containsKeys("spring.pgroll.enabled", "spring.pgroll.locations", "spring.pgroll.schema",
                "spring.pgroll.state-schema", "spring.pgroll.lock-timeout", "spring.pgroll.role",
                "spring.pgroll.use-version-schema", "spring.pgroll.backfill-batch-size",
                "spring.pgroll.backfill-batch-delay", "spring.pgroll.backfill-batch-target",
                "spring.pgroll.max-replica-lag", "spring.pgroll.max-wal-rate", "spring.pgroll.strategy",
                "spring.pgroll.pin-data-source",
                "spring.pgroll.force-complete", "spring.pgroll.url", "spring.pgroll.user", "spring.pgroll.password");
        properties.entrySet().stream().filter(e -> e.getKey().startsWith("spring.pgroll."))
                .forEach(e -> assertThat(e.getValue().path("description").asText()).as(e.getKey()).isNotBlank());
        assertThat(properties.get("spring.pgroll.strategy").get("type").asText())
                .isEqualTo(PgRollProperties.Strategy.class.getName());
        assertThat(properties.get("spring.pgroll.strategy").get("defaultValue").asText()).isEqualTo("start");
        assertThat(properties.get("spring.pgroll.locations").get("defaultValue").get(0).asText())
                .isEqualTo("classpath:db/pgroll");
    }
}
