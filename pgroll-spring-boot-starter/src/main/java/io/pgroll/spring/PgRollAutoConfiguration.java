package io.pgroll.spring;

import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollBuilder;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ResourceLoader;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Runs pgroll migrations on the application's DataSource when the context starts, before the beans that use the
 * database, and pins the application's connections to the version schema of its last migration.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnClass(PgRoll.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "spring.pgroll.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PgRollProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public class PgRollAutoConfiguration {

    @Bean
    @ConditionalOnBooleanProperty(name = "spring.pgroll.pin-data-source", matchIfMissing = true)
    static PgRollDataSourcePinner pgRollDataSourcePinner() {
        return new PgRollDataSourcePinner();
    }

    @Bean
    @ConditionalOnMissingBean
    PgRoll pgRoll(DataSource dataSource, @PgRollDataSource ObjectProvider<DataSource> pgrollDataSource,
                  PgRollProperties properties, ResourceLoader resourceLoader,
                  ObjectProvider<PgRollConfigurationCustomizer> customizers) {
        PgRollBuilder builder = PgRoll.configure()
                .dataSource(migratingDataSource(dataSource, pgrollDataSource, properties))
                .schema(properties.getSchema())
                .stateSchema(properties.getStateSchema())
                .lockTimeout(properties.getLockTimeout())
                .role(properties.getRole())
                .useVersionSchema(properties.isUseVersionSchema())
                .locations(properties.getLocations().toArray(String[]::new))
                .classLoader(resourceLoader.getClassLoader())
                .backfillBatchDelay(properties.getBackfillBatchDelay())
                .backfillBatchTarget(properties.getBackfillBatchTarget())
                .maxReplicaLag(properties.getMaxReplicaLag());
        if (properties.getBackfillBatchSize() != null) {
            builder.backfillBatchSize(properties.getBackfillBatchSize());
        }
        if (properties.getMaxWalRate() != null) {
            builder.maxWalRate(properties.getMaxWalRate().toBytes());
        }
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.load();
    }

    /** The {@code @PgRollDataSource}, else one for {@code spring.pgroll.url}, else the application's, unpinned. */
    private static DataSource migratingDataSource(DataSource application, ObjectProvider<DataSource> qualified,
                                                  PgRollProperties properties) {
        DataSource own = qualified.getIfAvailable();
        if (own != null) {
            return own;
        }
        if (properties.getUrl() != null) {
            return new SimpleDriverDataSource(new Driver(), properties.getUrl(), properties.getUser(),
                    properties.getPassword());
        }
        return application instanceof PgRollPinnedDataSource pinned ? pinned.raw() : application;
    }

    @Bean
    @ConditionalOnMissingBean
    PgRollApplicationVersion pgRollApplicationVersion(PgRoll pgroll) {
        return PgRollApplicationVersion.of(pgroll);
    }

    @Bean
    @ConditionalOnMissingBean
    PgRollMigrationInitializer pgRollMigrationInitializer(PgRoll pgroll, PgRollApplicationVersion version,
                                                          PgRollProperties properties) {
        return new PgRollMigrationInitializer(pgroll, version, properties.getStrategy(),
                properties.isForceComplete(), properties.getLockWait());
    }
}
