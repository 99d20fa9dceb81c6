package io.pgroll.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.pgroll.core.HistoryEntry;
import io.pgroll.core.MigrationStateException;
import io.pgroll.core.PgRoll;
import io.pgroll.core.Status;
import io.pgroll.core.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A zero-downtime rollout against one database: release 1 runs, release 2 starts beside it (migration 02 active),
 * both serve reads and writes on their own version schema, and 02 is completed once release 1 is gone; a forced
 * complete shows what the guard prevents.
 */
class RolloutTest {

    static final String SCHEMA = System.getProperty("pgroll.test.schema", "public");
    static final String V1_SCHEMA = SCHEMA + "_01_create_books";
    static final String V2_SCHEMA = SCHEMA + "_02_price_in_cents";

    final String url = TestPostgres.newDatabase();

    /** Release 1's jar ships migration 01 only: its migrations are a directory holding just that file. */
    @TempDir
    Path release1Migrations;

    @Test
    void releaseTwoRunsBesideReleaseOneAndCompletesOnceReleaseOneIsGone() throws Exception {
        ConfigurableApplicationContext v1 = startReleaseOne();
        try (ConfigurableApplicationContext v2 = start("2", "start", "classpath:db/pgroll")) {
            PgRoll pgroll = v2.getBean(PgRoll.class);
            assertThat(pgroll.history()).extracting(HistoryEntry::name, HistoryEntry::done)
                    .containsExactly(tuple("01_create_books", true),
                            tuple("02_price_in_cents", false));
            assertThat(currentSchema(v1)).isEqualTo(V1_SCHEMA);
            assertThat(currentSchema(v2)).isEqualTo(V2_SCHEMA);

            BookRepository v1Books = v1.getBean(BookRepository.class);
            BookRepository v2Books = v2.getBean(BookRepository.class);
            assertThat(v1Books).isInstanceOf(EuroPricedBookRepository.class);
            assertThat(v2Books).isInstanceOf(CentPricedBookRepository.class);

            CompletableFuture<Void> v1Writes = CompletableFuture.runAsync(
                    () -> IntStream.range(0, 20).forEach(i -> v1Books.add("v1 book " + i, 1000 + i)));
            CompletableFuture<Void> v2Writes = CompletableFuture.runAsync(
                    () -> IntStream.range(0, 20).forEach(i -> v2Books.add("v2 book " + i, 2050 + i)));
            CompletableFuture.allOf(v1Writes, v2Writes).get();

            assertThat(v1Books.findAll()).hasSize(40).allSatisfy(RolloutTest::hasThePriceItWasWrittenWith);
            assertThat(v2Books.findAll()).hasSize(40).allSatisfy(RolloutTest::hasThePriceItWasWrittenWith);

            assertThatThrownBy(pgroll::complete).isInstanceOf(MigrationStateException.class)
                    .hasMessageContaining("bookshop-v1 (pgroll:" + V1_SCHEMA + ")");
            assertThat(pgroll.status().status()).isEqualTo(Status.IN_PROGRESS);

            v1.close();
            // the server notices the closed connections a moment after the pool closes them
            await().atMost(Duration.ofSeconds(10)).untilAsserted(pgroll::complete);
            assertThat(pgroll.status().status()).isEqualTo(Status.COMPLETE);

            v2Books.add("after the rollout", 999);
            assertThat(v2Books.findAll()).hasSize(41).allSatisfy(RolloutTest::hasThePriceItWasWrittenWith);
        } finally {
            v1.close();
        }
    }

    @Test
    void aForcedCompleteDoesNotWaitAndLeavesReleaseOneWithoutItsSchema() throws Exception {
        try (ConfigurableApplicationContext v1 = startReleaseOne();
             ConfigurableApplicationContext v2 = start("2", "start", "classpath:db/pgroll")) {
            BookRepository v1Books = v1.getBean(BookRepository.class);
            v1Books.add("written by release 1", 1250);

            v2.getBean(PgRoll.class).complete(true);

            assertThat(v2.getBean(BookRepository.class).findAll()).extracting(Book::priceCents).containsExactly(1250L);
            assertThatThrownBy(v1Books::findAll).rootCause().hasMessageContaining("relation \"books\" does not exist");
        }
    }

    ConfigurableApplicationContext startReleaseOne() throws Exception {
        createSchema();
        Files.copy(Path.of("src/main/resources/db/pgroll/01_create_books.yaml"),
                release1Migrations.resolve("01_create_books.yaml"));
        return start("1", "start-complete", "filesystem:" + release1Migrations);
    }

    /** Every title ends with its index i; v1 wrote price 1000 + i cents, v2 2050 + i, the last book 999. */
    static void hasThePriceItWasWrittenWith(Book book) {
        String title = book.title();
        long expected = title.startsWith("v1 ") ? 1000 + index(title)
                : title.startsWith("v2 ") ? 2050 + index(title) : 999;
        assertThat(book.priceCents()).as(title).isEqualTo(expected);
    }

    static int index(String title) {
        return Integer.parseInt(title.substring(title.lastIndexOf(' ') + 1));
    }

    ConfigurableApplicationContext start(String release, String strategy, String migrations) {
        // command line arguments, as a deployment passes them: they win over application.properties
        return new SpringApplicationBuilder(BookshopApplication.class).run(
                "--app.version=" + release,
                "--spring.datasource.url=" + url,
                "--spring.datasource.hikari.data-source-properties.ApplicationName=bookshop-v" + release,
                "--spring.pgroll.schema=" + SCHEMA,
                "--spring.pgroll.strategy=" + strategy,
                "--spring.pgroll.locations=" + migrations);
    }

    static String currentSchema(ConfigurableApplicationContext app) throws Exception {
        try (Connection c = app.getBean(DataSource.class).getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT current_schema()")) {
            r.next();
            return r.getString(1);
        }
    }

    void createSchema() throws Exception {
        if (!SCHEMA.equals("public")) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + SCHEMA);
            }
        }
    }
}
