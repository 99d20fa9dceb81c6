package io.pgroll.spring;

import io.pgroll.core.PgRoll;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code pgroll} health indicator, when Boot's health support is on the class path. */
@AutoConfiguration(after = PgRollAutoConfiguration.class)
@ConditionalOnClass({PgRoll.class, HealthIndicator.class})
@ConditionalOnEnabledHealthIndicator("pgroll")
public class PgRollHealthContributorAutoConfiguration {

    @Bean(name = "pgrollHealthIndicator")
    @ConditionalOnBean(PgRoll.class)
    @ConditionalOnMissingBean(name = "pgrollHealthIndicator")
    PgRollHealthIndicator pgrollHealthIndicator(PgRoll pgroll, PgRollApplicationVersion version) {
        return new PgRollHealthIndicator(pgroll, version);
    }
}
