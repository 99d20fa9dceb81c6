package io.pgroll.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.testing.HarnessTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The README's "Using pgroll from Java" examples, run as they are printed there ({@link ReadmeSnippetsTest} checks
 * that the README shows them unchanged). The migrations are this module's test resources {@code db/books}.
 */
class ReadmeExamplesTest extends HarnessTest {
    private static final Logger log = LoggerFactory.getLogger(ReadmeExamplesTest.class);

    @Test
    void embeddingExample() throws SQLException {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(h.url);
        String schema = h.schema;

        // readme:begin embedding
        PgRoll pgroll = PgRoll.configure()
                .dataSource(dataSource)                      // or .url("postgres://app@db:5432/app")
                .schema(schema)                              // default public
                .locations("classpath:db/books")             // default classpath:db/pgroll; or "filesystem:dir"
                .lockTimeout(Duration.ofMillis(500))
                .listener(event -> log.info("pgroll: {}", event))
                .load();                                     // thread-safe from here on

        ValidateResult check = pgroll.validate();            // files against the history; changes nothing
        MigrateResult result = pgroll.migrate();             // all pending; the last one stays active
        String newVersion = pgroll.versionSchema(pgroll.migrations().get(pgroll.migrations().size() - 1));
        // readme:end

        assertEquals(List.of("01_create_books", "02_rename_title"), check.pending());
        assertEquals(List.of("01_create_books", "02_rename_title"), result.applied());
        assertEquals(schema + "_02_rename_title", newVersion);

        // readme:begin versions
        DataSource oldApp = PgRoll.versionedDataSource(dataSource, schema + "_01_create_books");
        DataSource newApp = PgRoll.versionedDataSource(dataSource, newVersion);
        try (Connection o = oldApp.getConnection(); Connection n = newApp.getConnection()) {
            o.createStatement().execute("INSERT INTO books (title) VALUES ('Dune')");  // the old shape
            n.createStatement().execute("INSERT INTO books (name) VALUES ('Emma')");   // the new one
            try {
                pgroll.complete();                           // refused: oldApp still uses the old version
            } catch (MigrationStateException stillInUse) {
                log.warn(stillInUse.getMessage());
            }
        }
        CompleteResult completed = pgroll.complete();        // now the old version is gone
        List<HistoryEntry> history = pgroll.history();
        // readme:end

        assertEquals(new CompleteResult("02_rename_title", newVersion), completed);
        assertEquals(List.of("01_create_books", "02_rename_title"), history.stream().map(HistoryEntry::name).toList());
        try (Connection c = newApp.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT string_agg(name, ',' ORDER BY id) FROM books")) {
            rs.next();
            assertEquals("Dune,Emma", rs.getString(1));
        }
        assertTrue(pgroll.validate().upToDate());
    }
}
