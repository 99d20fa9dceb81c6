package io.pgroll.spring;

import java.util.Arrays;
import javax.sql.DataSource;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Wraps the application's DataSource (the only one, or the primary one) in a {@link PgRollPinnedDataSource}, so that
 * whatever the application injects is pinned to its version schema.
 */
class PgRollDataSourcePinner implements BeanPostProcessor, BeanFactoryAware {

    private ConfigurableListableBeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        if (bean instanceof DataSource ds && !(bean instanceof PgRollPinnedDataSource)
                && isApplicationDataSource(beanName)) {
            return new PgRollPinnedDataSource(ds, () -> beanFactory.getBean(PgRollApplicationVersion.class));
        }
        return bean;
    }

    private boolean isApplicationDataSource(String beanName) {
        String[] names = beanFactory.getBeanNamesForType(DataSource.class, true, false);
        if (names.length == 1) {
            return names[0].equals(beanName);
        }
        return Arrays.asList(names).contains(beanName) && beanFactory.containsBeanDefinition(beanName)
                && beanFactory.getBeanDefinition(beanName).isPrimary();
    }
}
