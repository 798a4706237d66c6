import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Utils;

/**
 * Loads DJL's PyTorch engine once, while an image is built, so that the native libraries it needs are in
 * {@code DJL_CACHE_DIR} before the first container starts. DJL otherwise unpacks them from the native jar (about
 * 430 MB for the CPU build) or downloads them (several GB for a CUDA build) at every fresh start, and the images run
 * with {@code DJL_OFFLINE=true} and a read-only file system, where neither is possible.
 *
 * <p>Run with the application's jars on the class path, through the JDK's source launcher:
 * {@code java -cp "lib/*" DjlWarmup.java}.
 */
public final class DjlWarmup {

    public static void main(String[] args) {
        Engine engine = Engine.getEngine("PyTorch");
        // One small computation, so that a library that unpacked but cannot run fails the image build, not a pod.
        try (NDManager manager = engine.newBaseManager()) {
            float sum = manager.ones(new Shape(2, 2)).sum().getFloat();
            if (sum != 4f) {
                throw new IllegalStateException("PyTorch computed 1+1+1+1 = " + sum);
            }
        }
        System.out.println("PyTorch " + engine.getVersion() + " ready in " + Utils.getEngineCacheDir("pytorch"));
    }

    private DjlWarmup() {
    }
}
