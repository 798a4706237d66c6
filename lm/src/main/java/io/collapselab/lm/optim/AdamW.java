package io.collapselab.lm.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import io.collapselab.lm.tensor.TensorIo;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as in PyTorch ({@code torch.optim.AdamW}, decoupled weight decay) with global-norm gradient clipping as
 * in {@code clip_grad_norm_}. Unlike DJL's built-in optimizers, its moments are keyed by parameter <em>name</em>
 * and can be written to and read from a checkpoint, so training resumes bit-identically in another process.
 * Weight decay applies to matrices only (embeddings and linear weights), never to biases or LayerNorm gains.
 */
public final class AdamW extends Optimizer {

    private static final double EPSILON = 1e-8;
    private static final double CLIP_EPSILON = 1e-6;

    private final NDManager manager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private long stepCount;
    private double learningRate;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double weightDecay;

    public AdamW(NDManager parent) {
        super(new Builder());
        this.manager = parent.newSubManager();
    }

    /** Hyper-parameters for the steps to come; the moments and step count carry over. */
    public void configure(double newBeta1, double newBeta2, double newWeightDecay) {
        this.beta1 = newBeta1;
        this.beta2 = newBeta2;
        this.weightDecay = newWeightDecay;
    }

    /** Number of steps taken since this state began (the t of Adam's bias correction). */
    public long stepCount() {
        return stepCount;
    }

    /**
     * One optimizer step over all weights, using and then zeroing their gradients.
     *
     * @return the global gradient norm before clipping
     */
    public double step(Map<String, NDArray> weights, double stepLearningRate, double gradientClip) {
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            Map<String, NDArray> squaredGradients = new LinkedHashMap<>();
            NDList sums = new NDList();
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                NDArray grad = e.getValue().getGradient();
                grad.attach(scope);
                NDArray squared = grad.square();
                gradients.put(e.getKey(), grad);
                squaredGradients.put(e.getKey(), squared);
                sums.add(squared.sum());
            }
            double norm = Math.sqrt(NDArrays.stack(sums).sum().getFloat());
            if (!Double.isFinite(norm)) {
                throw new ArithmeticException("gradient norm is " + norm + ": training diverged; lower the "
                        + "learning rate or enable gradient clipping");
            }
            double scale = gradientClip > 0 ? Math.min(1.0, gradientClip / (norm + CLIP_EPSILON)) : 1.0;
            stepCount++;
            learningRate = stepLearningRate;
            Coefficients coefficients = coefficients(scope, scale);
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                NDArray grad = gradients.get(e.getKey());
                apply(e.getKey(), e.getValue(), grad, squaredGradients.get(e.getKey()), coefficients);
                grad.subi(grad);
            }
            return norm;
        }
    }

    /**
     * The AdamW update of one weight with the current step's learning rate and count, without clipping. The
     * gradient must belong to a scope that the caller closes afterwards: the moments join that scope for the
     * update, so every temporary dies with it.
     */
    @Override
    public void update(String parameterName, NDArray weight, NDArray grad) {
        apply(parameterName, weight, grad, grad.square(), coefficients(grad.getManager(), 1.0));
    }

    /**
     * The scalars of this step as arrays, created once and shared by every weight's update. They are float32:
     * PyTorch casts its Python-number scalars to the array's type anyway, and a float64 scalar array would send
     * libtorch down a slow element-by-element path. {@code gradientScale} is the clipping factor, folded into the
     * moments' coefficients instead of being multiplied into every gradient.
     */
    private Coefficients coefficients(NDManager scope, double gradientScale) {
        double firstCorrection = 1 - Math.pow(beta1, stepCount);
        double secondCorrection = 1 - Math.pow(beta2, stepCount);
        return new Coefficients(
                scope.create((float) (1 - learningRate * weightDecay)),
                scope.create((float) beta1),
                scope.create((float) ((1 - beta1) * gradientScale)),
                scope.create((float) beta2),
                scope.create((float) ((1 - beta2) * gradientScale * gradientScale)),
                scope.create((float) Math.sqrt(secondCorrection)),
                scope.create((float) EPSILON),
                scope.create((float) (learningRate / firstCorrection)));
    }

    /** m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, w -= lr / c1 * m / (sqrt(v) / sqrt(c2) + eps), after decay. */
    private void apply(String parameterName, NDArray weight, NDArray grad, NDArray squaredGrad, Coefficients c) {
        NDArray m = firstMoments.computeIfAbsent(parameterName, k -> zerosIn(manager, weight));
        NDArray v = secondMoments.computeIfAbsent(parameterName, k -> zerosIn(manager, weight));
        grad.getManager().tempAttachAll(m, v);
        if (weight.getShape().dimension() >= 2 && weightDecay > 0) {
            weight.muli(c.decay());
        }
        m.muli(c.beta1()).addi(grad.mul(c.gradientShare()));
        v.muli(c.beta2()).addi(squaredGrad.muli(c.squaredGradientShare()));
        NDArray denominator = v.sqrt().divi(c.secondCorrectionRoot()).addi(c.epsilon());
        weight.subi(m.div(denominator).muli(c.stepSize()));
    }

    private record Coefficients(NDArray decay, NDArray beta1, NDArray gradientShare, NDArray beta2,
                                NDArray squaredGradientShare, NDArray secondCorrectionRoot, NDArray epsilon,
                                NDArray stepSize) {
    }

    /** Writes the step count and both moments of every parameter, by name. */
    public void write(DataOutputStream out) throws IOException {
        out.writeLong(stepCount);
        out.writeInt(firstMoments.size());
        for (String name : firstMoments.keySet()) {
            out.writeUTF(name);
            TensorIo.write(out, firstMoments.get(name));
            TensorIo.write(out, secondMoments.get(name));
        }
    }

    /** Restores state written by {@link #write}, replacing any state this optimizer had. */
    public void read(DataInputStream in) throws IOException {
        firstMoments.values().forEach(NDArray::close);
        secondMoments.values().forEach(NDArray::close);
        firstMoments.clear();
        secondMoments.clear();
        stepCount = in.readLong();
        int count = in.readInt();
        if (count < 0 || stepCount < 0) {
            throw new IOException("corrupt optimizer state: " + count + " moments, step " + stepCount);
        }
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            firstMoments.put(name, TensorIo.read(in, manager));
            secondMoments.put(name, TensorIo.read(in, manager));
        }
    }

    /** Forgets the moments and step count (a generation that does not carry optimizer state). */
    public void reset() {
        firstMoments.values().forEach(NDArray::close);
        secondMoments.values().forEach(NDArray::close);
        firstMoments.clear();
        secondMoments.clear();
        stepCount = 0;
    }

    private static NDArray zerosIn(NDManager manager, NDArray like) {
        return manager.zeros(like.getShape(), like.getDataType(), like.getDevice());
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
