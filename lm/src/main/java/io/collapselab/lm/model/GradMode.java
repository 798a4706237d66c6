package io.collapselab.lm.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch records operations for autograd per thread, and worker threads start with recording on. Inference and
 * the optimizer's in-place updates run inside {@code try (GradMode off = GradMode.disabled())} so they neither
 * build graphs nor trip over in-place updates of leaves that require gradients.
 */
public final class GradMode implements AutoCloseable {

    private final boolean previous;

    private GradMode(boolean enabled) {
        this.previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
    }

    public static GradMode disabled() {
        return new GradMode(false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
