package io.pgroll.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgroll.core.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sample as it is deployed: its executable jar, run with {@code java -jar}, finds its migrations inside itself
 * ({@code BOOT-INF/classes/db/pgroll}, reached through Spring Boot's nested jar URLs) and applies them at startup.
 */
class ExecutableJarIT {

    @Test
    void theExecutableJarMigratesWithTheMigrationsInsideIt() throws Exception {
        String url = TestPostgres.newDatabase();
        String schema = RolloutTest.SCHEMA;
        if (!schema.equals("public")) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
        }
        Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("pgroll.sample.jar"),
                "--spring.datasource.url=" + url,
                "--spring.pgroll.schema=" + schema,
                "--spring.pgroll.strategy=start-complete")
                .redirectErrorStream(true).start();
        String output = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(app.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(app.exitValue()).as(output).isZero();
        assertThat(output).contains("pgroll: applied [01_create_books, 02_price_in_cents], all completed");

        List<String> history = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name || ' ' || done FROM pgroll.migrations WHERE schema = '"
                     + schema + "' ORDER BY created_at")) {
            while (rs.next()) {
                history.add(rs.getString(1));
            }
        }
        assertThat(history).containsExactly("01_create_books true", "02_price_in_cents true");
    }
}
