package io.pgroll.spring;

import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/**
 * Tells Boot's database initialization ordering that {@link PgRollMigrationInitializer} beans initialize the
 * database, so that beans depending on database initialization are created after them. Registered in
 * META-INF/spring.factories, as Boot's own initializers are.
 */
class PgRollMigrationInitializerDatabaseInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

    @Override
    protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
        return Set.of(PgRollMigrationInitializer.class);
    }
}
