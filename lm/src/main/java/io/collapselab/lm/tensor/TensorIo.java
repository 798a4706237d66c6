package io.collapselab.lm.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** float32 arrays as (rank, dims, little-endian values), independent of the engine's own formats. */
public final class TensorIo {

    private static final int MAX_RANK = 8;
    /** Values go out through a small buffer: no array the size of the tensor, twice, per tensor written. */
    private static final int COPY_CHUNK_BYTES = 64 * 1024;

    private TensorIo() {
    }

    public static void write(DataOutputStream out, NDArray array) throws IOException {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("only float32 arrays are stored, got " + array.getDataType());
        }
        Shape shape = array.getShape();
        out.writeByte(shape.dimension());
        for (long dim : shape.getShape()) {
            out.writeLong(dim);
        }
        // A view of the engine's memory where it can (contiguous CPU arrays, like weights and moments): no copy.
        ByteBuffer values = array.toByteBuffer(true);
        if (values.order() == ByteOrder.LITTLE_ENDIAN) {
            byte[] chunk = new byte[Math.min(values.remaining(), COPY_CHUNK_BYTES)];
            while (values.hasRemaining()) {
                int length = Math.min(chunk.length, values.remaining());
                values.get(chunk, 0, length);
                out.write(chunk, 0, length);
            }
        } else {
            ByteBuffer littleEndian = ByteBuffer.allocate(values.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            littleEndian.asFloatBuffer().put(values.asFloatBuffer());
            out.write(littleEndian.array());
        }
    }

    public static NDArray read(DataInputStream in, NDManager manager) throws IOException {
        int rank = in.readUnsignedByte();
        if (rank > MAX_RANK) {
            throw new IOException("corrupt tensor: rank " + rank);
        }
        long[] dims = new long[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readLong();
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
                throw new IOException("corrupt tensor: dimension " + dims[i]);
            }
            size = Math.multiplyExact(size, dims[i]);
        }
        if (size > Integer.MAX_VALUE / Float.BYTES) {
            throw new IOException("corrupt tensor: " + size + " values");
        }
        // Straight into native memory through a small chunk: no array of the tensor's size in the heap.
        ByteBuffer values = ByteBuffer.allocateDirect((int) size * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        byte[] chunk = new byte[(int) Math.min(values.capacity(), COPY_CHUNK_BYTES)];
        while (values.hasRemaining()) {
            int length = Math.min(chunk.length, values.remaining());
            in.readFully(chunk, 0, length);
            values.put(chunk, 0, length);
        }
        values.flip();
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            ByteBuffer nativeOrder = ByteBuffer.allocateDirect(values.capacity()).order(ByteOrder.nativeOrder());
            nativeOrder.asFloatBuffer().put(values.asFloatBuffer());
            values = nativeOrder;
        }
        return ownedByEngine(manager.create(values, new Shape(dims), DataType.FLOAT32));
    }

    /**
     * A copy of {@code array} in memory the engine owns, {@code array} closed. An array DJL creates from Java data
     * lives in the direct buffer it was given or copied the data into, and keeps that buffer alive: every weight
     * would count against the JVM's direct-memory limit (by default the heap's size), so a model larger than the
     * heap could not be created. The copy frees the buffer for the garbage collector.
     */
    public static NDArray ownedByEngine(NDArray array) {
        try (array) {
            return array.duplicate();
        }
    }
}
