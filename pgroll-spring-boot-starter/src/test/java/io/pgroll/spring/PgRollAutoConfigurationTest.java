package io.pgroll.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariDataSource;
import io.pgroll.core.HistoryEntry;
import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollEvent;
import io.pgroll.core.Status;
import io.pgroll.core.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

class PgRollAutoConfigurationTest {

    static final String FIRST = "classpath:db/first";
    static final String SECOND = "classpath:db/second";
    static final String M1 = "01_create_items";
    static final String M2 = "02_rename_name_to_title";

    final TestDatabase db = TestDatabase.create();
    final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, PgRollAutoConfiguration.class));

    ApplicationContextRunner app(String strategy, String... locations) {
        return runner.withPropertyValues(db.properties(strategy, locations));
    }

    @Test
    void startLeavesTheLastMigrationActiveAndPinsTheApplicationsDataSourceToIt() {
        app("start", FIRST, SECOND).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(PgRoll.class).history()).extracting(HistoryEntry::name, HistoryEntry::done)
                    .containsExactly(tuple(M1, true), tuple(M2, false));
            assertThat(ctx.getBean(DataSource.class)).isInstanceOf(PgRollPinnedDataSource.class);
            assertPinned(ctx, db.versionSchema(M2));
        });
    }

    @Test
    void closingTheContextClosesThePoolBehindThePinnedDataSource() {
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        app("start", FIRST).run(ctx -> pool.set(ctx.getBean(DataSource.class).unwrap(HikariDataSource.class)));
        assertThat(pool.get().isClosed()).isTrue();
    }

    @Test
    void instancesStartingTogetherWaitForEachOthersMigration() throws Exception {
        ExecutorService instances = Executors.newFixedThreadPool(3);
        try {
            List<Future<Throwable>> started = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                started.add(instances.submit(() -> {
                    AtomicReference<Throwable> failure = new AtomicReference<>();
                    app("start", FIRST, SECOND).run(ctx -> failure.set(ctx.getStartupFailure()));
                    return failure.get();
                }));
            }
            for (Future<Throwable> instance : started) {
                assertThat(instance.get()).isNull();
            }
        } finally {
            instances.shutdownNow();
        }
        app("none", FIRST, SECOND).run(ctx -> assertThat(ctx.getBean(PgRoll.class).history())
                .extracting(HistoryEntry::name, HistoryEntry::done).containsExactly(tuple(M1, true), tuple(M2, false)));
    }

    @Test
    void startCompleteCompletesTheLastMigration() {
        app("start-complete", FIRST, SECOND).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            PgRoll pgroll = ctx.getBean(PgRoll.class);
            assertThat(pgroll.history()).extracting(HistoryEntry::done).containsExactly(true, true);
            assertThat(pgroll.status().status()).isEqualTo(Status.COMPLETE);
        });
    }

    @Test
    void startCompleteOfAnActiveLastMigrationIsRefusedWhileAnOlderInstanceIsPinnedUnlessForced() {
        app("start-complete", FIRST).run(v1 -> {
            assertThat(v1).hasNotFailed();
            assertPinned(v1, db.versionSchema(M1));
            app("start", FIRST, SECOND).run(v2 -> assertThat(v2.getBean(PgRoll.class).status().status())
                    .isEqualTo(Status.IN_PROGRESS));

            app("start-complete", FIRST, SECOND).run(v2 -> assertThat(v2).getFailure().rootCause()
                    .hasMessageContaining("pgroll:" + db.versionSchema(M1)));

            app("start-complete", FIRST, SECOND).withPropertyValues("spring.pgroll.force-complete=true").run(v2 -> {
                assertThat(v2).hasNotFailed();
                assertThat(v2.getBean(PgRoll.class).status().status()).isEqualTo(Status.COMPLETE);
            });
        });
    }

    @Test
    void startWithAnotherMigrationActiveServesOnlyThePreviousRelease() {
        String third = "classpath:db/third";
        app("start", FIRST, SECOND).run(v2 -> assertThat(v2).hasNotFailed());

        app("start", FIRST).run(v1 -> {
            assertThat(v1).hasNotFailed();
            assertPinned(v1, db.versionSchema(M1));
        });
        app("start", FIRST, SECOND, third).run(v3 -> assertThat(v3).getFailure().rootCause()
                .hasMessageContaining("migration " + M2 + " is active, so 03_add_price cannot be started"));

        app("start-complete", FIRST, SECOND).run(v2 -> assertThat(v2).hasNotFailed());
        app("start", FIRST, SECOND, third).run(v3 -> assertThat(v3).hasNotFailed());
        app("start", FIRST).run(v1 -> assertThat(v1).getFailure().rootCause()
                .hasMessageContaining("whose completes dropped its version schema"));
    }

    @Test
    void validateFailsTheStartupWhileMigrationsArePendingAndChangesNothing() {
        app("validate", FIRST).run(ctx -> assertThat(ctx).getFailure().rootCause()
                .hasMessageContaining("pending [" + M1 + "]"));
        app("none", FIRST).run(ctx -> assertThat(ctx.getBean(PgRoll.class).isInitialized()).isFalse());

        app("start", FIRST).run(ctx -> assertThat(ctx).hasNotFailed());
        app("validate", FIRST).run(ctx -> assertThat(ctx).hasNotFailed());
        app("validate", FIRST, SECOND).run(ctx -> assertThat(ctx).hasFailed());
    }

    @Test
    void noneLeavesTheDatabaseAlone() {
        app("none", FIRST).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(PgRoll.class).isInitialized()).isFalse();
        });
    }

    @Test
    void disabledConfiguresNothing() {
        app("start", FIRST).withPropertyValues("spring.pgroll.enabled=false").run(ctx -> {
            assertThat(ctx).hasNotFailed().doesNotHaveBean(PgRoll.class);
            assertThat(ctx.getBean(DataSource.class)).isNotInstanceOf(PgRollPinnedDataSource.class);
        });
    }

    @Test
    void anApplicationWithoutMigrationsIsNotPinned(@TempDir Path noMigrations) {
        app("start", "filesystem:" + noMigrations).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(PgRollApplicationVersion.class)).isEqualTo(new PgRollApplicationVersion(null, null));
            assertThat(session(ctx).get(1)).doesNotContain("pgroll:");
        });
    }

    @Test
    void pinDataSourceOffLeavesTheApplicationsConnectionsAlone() {
        app("start", FIRST).withPropertyValues("spring.pgroll.pin-data-source=false").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(DataSource.class)).isNotInstanceOf(PgRollPinnedDataSource.class);
            assertThat(session(ctx).get(1)).doesNotContain("pgroll:");
        });
    }

    @Test
    void migratesBeforeBeansThatUseTheDatabaseAreCreated() {
        app("start", FIRST).withUserConfiguration(ItemCountConfiguration.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(ItemCount.class).atStartup()).isZero();
        });
    }

    @Test
    void aPinnedConnectionHandedOutBeforeTheMigrationsRanDoesNotDisturbThem() {
        // pgroll holds two connections per operation: with a pool of two, one of them is the connection pinned early
        app("start", FIRST, SECOND).withUserConfiguration(EarlyConnectionConfiguration.class)
                .withPropertyValues("spring.datasource.hikari.maximum-pool-size=2").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean("earlySearchPath")).isEqualTo("\"" + db.versionSchema(M2) + "\"");
                    assertThat(ctx.getBean(PgRoll.class).history()).extracting(HistoryEntry::name)
                            .containsExactly(M1, M2);
                    assertPinned(ctx, db.versionSchema(M2));
                });
    }

    @Test
    void customizersAdjustTheBuilderInOrder() {
        app("start", FIRST).withUserConfiguration(CustomizerConfiguration.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            CustomizerConfiguration customizers = ctx.getBean(CustomizerConfiguration.class);
            assertThat(customizers.applied).containsExactly("first", "second");
            assertThat(customizers.events).contains(new PgRollEvent.Starting(M1));
        });
    }

    static void assertPinned(AssertableApplicationContext ctx, String versionSchema) throws SQLException {
        List<String> session = session(ctx);
        assertThat(session.get(0)).isEqualTo(versionSchema);
        assertThat(session.get(1)).endsWith("(pgroll:" + versionSchema + ")");
    }

    @Test
    void urlPropertyMigratesAsAnotherUserWhileTheApplicationsDataSourceStaysPinned() throws SQLException {
        String ownerUrl = TestPostgres.newDatabaseOwnedBy("pgroll_owner");
        String database = ownerUrl.substring(0, ownerUrl.indexOf('?'));
        if (!db.schema().equals("public")) {
            try (Connection c = DriverManager.getConnection(database + "?user=postgres");
                 Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + db.schema() + " AUTHORIZATION pgroll_owner");
            }
        }
        runner.withPropertyValues("spring.datasource.url=" + database + "?user=postgres",
                        "spring.pgroll.url=" + database, "spring.pgroll.user=pgroll_owner",
                        "spring.pgroll.schema=" + db.schema(), "spring.pgroll.locations=" + FIRST)
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
                    assertThat(jdbc.queryForObject("SELECT tableowner FROM pg_tables WHERE tablename = 'items'",
                            String.class)).isEqualTo("pgroll_owner");
                    assertThat(jdbc.queryForObject("SELECT current_user", String.class)).isEqualTo("postgres");
                    assertPinned(ctx, db.versionSchema(M1));
                });
    }

    @Test
    void aPgRollDataSourceBeanIsTheOnePgRollMigratesWith() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JdbcTemplateAutoConfiguration.class,
                        PgRollAutoConfiguration.class))
                .withPropertyValues(db.properties("start", FIRST))
                .withBean("applicationDataSource", DataSource.class, () -> new SimpleDriverDataSource(
                        new Driver(), db.url()), bd -> bd.setPrimary(true))
                .withBean(CountingDataSource.class, () -> new CountingDataSource(db.url()))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(CountingDataSource.class).connections).hasPositiveValue();
                    assertThat(ctx.getBean("applicationDataSource")).isInstanceOf(PgRollPinnedDataSource.class);
                    assertPinned(ctx, db.versionSchema(M1));
                });
    }

    /** The connection an application gets: its current schema and application_name. */
    static List<String> session(AssertableApplicationContext ctx) throws SQLException {
        try (Connection c = ctx.getBean(DataSource.class).getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT current_schema(), current_setting('application_name')")) {
            r.next();
            return List.of(r.getString(1), r.getString(2));
        }
    }

    @PgRollDataSource
    static class CountingDataSource extends SimpleDriverDataSource {
        final AtomicInteger connections = new AtomicInteger();

        CountingDataSource(String url) {
            super(new Driver(), url);
        }

        @Override
        protected Connection getConnectionFromDriver(String username, String password) throws SQLException {
            connections.incrementAndGet();
            return super.getConnectionFromDriver(username, password);
        }
    }

    record ItemCount(int atStartup) {
    }

    @Configuration(proxyBeanMethods = false)
    static class ItemCountConfiguration {
        @Bean
        ItemCount itemCount(JdbcTemplate jdbc) {
            return new ItemCount(jdbc.queryForObject("SELECT count(*) FROM items", Integer.class));
        }
    }

    /** A bean that, unlike JdbcTemplate users, is not ordered after the migrations: it only needs the DataSource. */
    @Configuration(proxyBeanMethods = false)
    static class EarlyConnectionConfiguration {
        @Bean
        String earlySearchPath(DataSource dataSource) throws SQLException {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SHOW search_path")) {
                r.next();
                return r.getString(1);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizerConfiguration {
        final List<String> applied = new CopyOnWriteArrayList<>();
        final List<PgRollEvent> events = new CopyOnWriteArrayList<>();

        @Bean
        @Order(2)
        PgRollConfigurationCustomizer second() {
            return builder -> applied.add("second");
        }

        @Bean
        @Order(1)
        PgRollConfigurationCustomizer first() {
            return builder -> {
                applied.add("first");
                builder.listener(events::add);
            };
        }
    }
}
