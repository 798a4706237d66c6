package io.collapselab.lm.sample;

import java.nio.ByteBuffer;

/**
 * The token ids a corpus was decoded from, in corpus order (every sequence, prompt included, one after the other),
 * as the bytes stored beside the corpus: 4 bytes per id, big-endian, nothing else. The corpus itself stays the
 * decoded bytes that the next generation trains on; the ids are kept because they cannot be recovered from those
 * bytes (a BPE encodes a decoded text into other tokens than the sampler chose), and the cycle a sample ends in is
 * a property of what the model sampled.
 */
public final class CorpusTokens {

    private CorpusTokens() {
    }

    public static byte[] toBytes(int[] ids) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(ids.length, Integer.BYTES));
        buffer.asIntBuffer().put(ids);
        return buffer.array();
    }

    /**
     * @throws IllegalArgumentException when the length is not a whole number of ids
     */
    public static int[] fromBytes(byte[] bytes) {
        if (bytes.length % Integer.BYTES != 0) {
            throw new IllegalArgumentException("corpus token ids take 4 bytes each, but the object has " + bytes.length
                    + " bytes; it is not a corpus's token ids");
        }
        int[] ids = new int[bytes.length / Integer.BYTES];
        ByteBuffer.wrap(bytes).asIntBuffer().get(ids);
        return ids;
    }
}
