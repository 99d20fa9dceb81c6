package io.pgroll.spring;

import io.pgroll.core.PgRoll;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code pgroll} actuator endpoint, when actuator is on the class path and the endpoint is available. */
@AutoConfiguration(after = PgRollAutoConfiguration.class)
@ConditionalOnClass({PgRoll.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnAvailableEndpoint(PgRollEndpoint.class)
public class PgRollEndpointAutoConfiguration {

    @Bean
    @ConditionalOnBean(PgRoll.class)
    @ConditionalOnMissingBean
    PgRollEndpoint pgRollEndpoint(PgRoll pgroll, PgRollApplicationVersion version) {
        return new PgRollEndpoint(pgroll, version);
    }
}
