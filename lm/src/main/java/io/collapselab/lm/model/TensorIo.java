package io.collapselab.lm.model;

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
        float[] values = array.toFloatArray();
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        out.write(buffer.array());
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
        byte[] bytes = new byte[(int) size * Float.BYTES];
        in.readFully(bytes);
        float[] values = new float[(int) size];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return manager.create(values, new Shape(dims));
    }
}
