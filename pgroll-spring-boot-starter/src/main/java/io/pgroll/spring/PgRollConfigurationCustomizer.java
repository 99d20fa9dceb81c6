package io.pgroll.spring;

import io.pgroll.core.PgRollBuilder;

/**
 * Adjusts the configuration of the auto-configured {@link io.pgroll.core.PgRoll} (listeners, a class loader, anything
 * the properties do not cover) before it is loaded. Every bean of this type is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface PgRollConfigurationCustomizer {

    void customize(PgRollBuilder builder);
}
