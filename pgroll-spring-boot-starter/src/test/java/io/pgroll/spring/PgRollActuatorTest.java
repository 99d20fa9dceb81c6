package io.pgroll.spring;

import static io.pgroll.spring.PgRollAutoConfigurationTest.FIRST;
import static io.pgroll.spring.PgRollAutoConfigurationTest.M1;
import static io.pgroll.spring.PgRollAutoConfigurationTest.M2;
import static io.pgroll.spring.PgRollAutoConfigurationTest.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgroll.core.HistoryEntry;
import io.pgroll.core.PgRoll;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class PgRollActuatorTest {

    static final String THIRD = "classpath:db/third";

    final TestDatabase db = TestDatabase.create();
    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PgRollAutoConfiguration.class,
                    PgRollEndpointAutoConfiguration.class, PgRollHealthContributorAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=pgroll");

    ApplicationContextRunner app(String strategy, String... locations) {
        return runner.withPropertyValues(db.properties(strategy, locations));
    }

    @Test
    void endpointReportsStatusHistoryActiveMigrationAndTheApplicationsVersion() {
        app("start", FIRST, SECOND).run(ctx -> {
            PgRollEndpoint.PgRollReport report = ctx.getBean(PgRollEndpoint.class).pgroll();
            assertThat(report.status().status()).isEqualTo(io.pgroll.core.Status.IN_PROGRESS);
            assertThat(report.activeMigration()).isEqualTo(M2);
            assertThat(report.applicationVersion())
                    .isEqualTo(new PgRollApplicationVersion(M2, db.versionSchema(M2)));
            assertThat(report.history()).extracting(HistoryEntry::name).containsExactly(M1, M2);
        });
    }

    @Test
    void endpointIsAbsentUnlessExposed() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        PgRollAutoConfiguration.class, PgRollEndpointAutoConfiguration.class))
                .withPropertyValues(db.properties("none", FIRST))
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(PgRoll.class)
                        .doesNotHaveBean(PgRollEndpoint.class));
    }

    @Test
    void healthIsUpWhileTheSchemaServesTheApplicationsVersion() {
        app("start", FIRST, SECOND).run(v2 -> {
            assertThat(v2.getBean(PgRollHealthIndicator.class).health()).satisfies(h -> {
                assertThat(h.getStatus()).isEqualTo(Status.UP);
                assertThat(h.getDetails()).containsEntry("versionSchema", db.versionSchema(M2));
            });
            // the previous version during the rollout: its version schema is still there
            app("none", FIRST).run(v1 -> {
                Health h = v1.getBean(PgRollHealthIndicator.class).health();
                assertThat(h.getStatus()).isEqualTo(Status.UP);
                assertThat(h.getDetails()).containsEntry("newerActiveMigration", M2);
            });
        });
    }

    @Test
    void healthIsDownWhenTheApplicationsMigrationIsPendingOrItsVersionIsGone() {
        app("start-complete", FIRST, SECOND).run(v2 -> assertThat(v2).hasNotFailed());

        app("none", FIRST, SECOND, THIRD).run(v3 -> {
            Health h = v3.getBean(PgRollHealthIndicator.class).health();
            assertThat(h.getStatus()).isEqualTo(Status.DOWN);
            assertThat(h.getDetails()).containsEntry("pending", List.of("03_add_price"));
        });
        app("none", FIRST).run(v1 -> {
            Health h = v1.getBean(PgRollHealthIndicator.class).health();
            assertThat(h.getStatus()).isEqualTo(Status.DOWN);
            assertThat(h.getDetails()).containsEntry("completedSince", List.of(M2));
        });
    }

    @Test
    void healthIndicatorCanBeTurnedOff() {
        app("none", FIRST).withPropertyValues("management.health.pgroll.enabled=false")
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(PgRoll.class)
                        .doesNotHaveBean(PgRollHealthIndicator.class));
    }

    @Test
    void healthIsDownWithTheErrorWhenTheHistoryDisagreesWithTheFiles() {
        app("start-complete", FIRST).run(v1 -> assertThat(v1).hasNotFailed());
        app("none", SECOND).run(other -> {
            Health h = other.getBean(PgRollHealthIndicator.class).health();
            assertThat(h.getStatus()).isEqualTo(Status.DOWN);
            assertThat(h.getDetails()).extractingByKey("error").asString()
                    .contains("remote migration does not match local migration");
        });
    }
}
