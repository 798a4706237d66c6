package io.collapselab.lm.tokenizer;

/**
 * Pre-splits bytes into the chunks that BPE merges may not cross, so tokens never span a word boundary and
 * training can count each distinct chunk once.
 *
 * <p>Word bytes are ASCII letters, ASCII digits and every byte from 0x80 up (so the UTF-8 encoding of a
 * non-ASCII letter stays inside its word). A chunk is either
 * <ul>
 *   <li>a word: an optional single leading space (0x20) followed by a maximal run of word bytes, or</li>
 *   <li>a maximal run of other bytes, which leaves out a space that directly precedes a word byte (that space
 *       starts the next word instead).</li>
 * </ul>
 * A chunk longer than {@link #MAX_CHUNK_BYTES} is cut into pieces of that length, which bounds the cost of
 * encoding text with absurdly long words (a degenerate sample can be one megabyte without a space).
 */
final class ByteChunks {

    static final int MAX_CHUNK_BYTES = 64;

    private ByteChunks() {
    }

    /** Where the chunk that starts at {@code start} ends (exclusive); {@code start} must be inside {@code bytes}. */
    static int chunkEnd(byte[] bytes, int start) {
        int limit = Math.min(bytes.length, start + MAX_CHUNK_BYTES);
        int i = start + 1;
        if (isWordByte(bytes[start]) || startsSpacedWord(bytes, start)) {
            while (i < limit && isWordByte(bytes[i])) {
                i++;
            }
        } else {
            while (i < limit && !isWordByte(bytes[i]) && !startsSpacedWord(bytes, i)) {
                i++;
            }
        }
        return i;
    }

    private static boolean startsSpacedWord(byte[] bytes, int i) {
        return bytes[i] == ' ' && i + 1 < bytes.length && isWordByte(bytes[i + 1]);
    }

    private static boolean isWordByte(byte b) {
        return b < 0 || (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
    }
}
