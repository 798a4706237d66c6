package io.collapselab.e2e;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link Pipeline} per test class, started before its first test and shut down after its last, injected into
 * test methods that declare a {@code Pipeline} parameter. Its logs go to {@code <logs>/<TestClass>/}.
 *
 * <p>Before each test: the test is skipped, with a message saying what is missing, where the real texts or the
 * services' runner jars are not there (checked per test so that every skipped test shows the reason, and before
 * anything is started); and a service that an earlier test left dead (a crash test that failed between its kill
 * and its restart) is started again, and faults a test left switched on in the {@link S3FaultProxy} are switched
 * off, so that one failure does not cascade into the next test.
 */
final class PipelineExtension implements BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            PipelineExtension.class);

    private final Pipeline.Setup setup;

    PipelineExtension() {
        this(Pipeline.Setup.DEFAULT);
    }

    /** A pipeline whose services are set up as {@code setup} says. */
    PipelineExtension(Pipeline.Setup setup) {
        this.setup = setup;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Experiments.texts();
        E2eEnvironment.runnerJars();
        Pipeline pipeline = pipeline(context);
        for (Service service : Service.values()) {
            if (!pipeline.process(service).isAlive()) {
                pipeline.restart(service);
            }
        }
        if (setup.s3ThroughFaultProxy()) {
            pipeline.faultProxy().heal();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Pipeline.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return pipeline(extensionContext);
    }

    /** The class's pipeline, started on first use; stored values that are AutoCloseable close with the class. */
    private Pipeline pipeline(ExtensionContext context) {
        ExtensionContext classContext = context.getParent().orElseThrow();
        String testName = classContext.getRequiredTestClass().getSimpleName();
        return classContext.getStore(NAMESPACE).computeIfAbsent(Pipeline.class,
                type -> Pipeline.start(testName, setup), Pipeline.class);
    }
}
