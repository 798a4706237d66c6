package io.collapselab.lm.tokenizer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level byte-pair encoding: tokens 0..255 are the bytes, token 256 + i joins the two tokens of merge i.
 * Text is first cut into chunks (words with their leading space, runs of other bytes; see {@link ByteChunks})
 * and merges never cross a chunk boundary. Every byte sequence is representable, so {@code decode(encode(b))}
 * equals {@code b} for any bytes, invalid UTF-8 included.
 *
 * <p>Training is deterministic: each step merges the most frequent adjacent pair, ties going to the pair with
 * the lowest left id, then the lowest right id. It stops early, with a smaller vocabulary than asked for, when no
 * pair occurs at least twice.
 */
public final class BpeTokenizer implements Tokenizer {

    public static final String KIND = "bpe";
    public static final int MIN_VOCABULARY_SIZE = 257;
    public static final int MAX_VOCABULARY_SIZE = 65_536;

    /** Bounds the encoding cache so that encoding arbitrary (e.g. random) bytes cannot grow it without limit. */
    private static final int MAX_CACHED_CHUNKS = 1 << 16;

    private final int[] mergeLefts;
    private final int[] mergeRights;
    /** Rank (merge index) of each mergeable pair, keyed by {@link BpeTrainer#pair}. */
    private final Map<Long, Integer> ranks;
    private final byte[][] tokenBytes;
    private final Map<String, int[]> chunkCache = new ConcurrentHashMap<>();

    private BpeTokenizer(int[] mergeLefts, int[] mergeRights) {
        this.mergeLefts = mergeLefts;
        this.mergeRights = mergeRights;
        this.ranks = new HashMap<>();
        this.tokenBytes = new byte[256 + mergeLefts.length][];
        for (int b = 0; b < 256; b++) {
            tokenBytes[b] = new byte[] {(byte) b};
        }
        for (int i = 0; i < mergeLefts.length; i++) {
            ranks.put(BpeTrainer.pair(mergeLefts[i], mergeRights[i]), i);
            byte[] left = tokenBytes[mergeLefts[i]];
            byte[] right = tokenBytes[mergeRights[i]];
            byte[] joined = Arrays.copyOf(left, left.length + right.length);
            System.arraycopy(right, 0, joined, left.length, right.length);
            tokenBytes[256 + i] = joined;
        }
    }

    /**
     * Learns up to {@code vocabularySize - 256} merges from {@code text}.
     *
     * @throws IllegalArgumentException when {@code vocabularySize} is outside 257..65536
     */
    public static BpeTokenizer train(byte[] text, int vocabularySize) {
        if (vocabularySize < MIN_VOCABULARY_SIZE || vocabularySize > MAX_VOCABULARY_SIZE) {
            throw new IllegalArgumentException("BPE vocabulary size must be between " + MIN_VOCABULARY_SIZE
                    + " (the 256 bytes plus one merge) and " + MAX_VOCABULARY_SIZE + ", was " + vocabularySize);
        }
        List<int[]> merges = BpeTrainer.learn(text, vocabularySize - 256);
        int[] lefts = new int[merges.size()];
        int[] rights = new int[merges.size()];
        for (int i = 0; i < merges.size(); i++) {
            lefts[i] = merges.get(i)[0];
            rights[i] = merges.get(i)[1];
        }
        return new BpeTokenizer(lefts, rights);
    }

    @Override
    public int vocabularySize() {
        return tokenBytes.length;
    }

    @Override
    public int[] encode(byte[] bytes) {
        int[] tokens = new int[bytes.length];
        int count = 0;
        for (int start = 0, end; start < bytes.length; start = end) {
            end = ByteChunks.chunkEnd(bytes, start);
            int[] chunkTokens = encodeChunk(new String(bytes, start, end - start, StandardCharsets.ISO_8859_1));
            System.arraycopy(chunkTokens, 0, tokens, count, chunkTokens.length);
            count += chunkTokens.length;
        }
        return Arrays.copyOf(tokens, count);
    }

    /** The chunk is keyed as an ISO-8859-1 string: one char per byte, with value semantics for the cache. */
    private int[] encodeChunk(String chunk) {
        int[] cached = chunkCache.get(chunk);
        if (cached != null) {
            return cached;
        }
        int[] symbols = new int[chunk.length()];
        for (int i = 0; i < symbols.length; i++) {
            symbols[i] = chunk.charAt(i);
        }
        // Applying the lowest-ranked pair present, all its occurrences at once, replays training's order exactly.
        while (symbols.length > 1) {
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < symbols.length; i++) {
                Integer rank = ranks.get(BpeTrainer.pair(symbols[i], symbols[i + 1]));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                }
            }
            if (bestRank == Integer.MAX_VALUE) {
                break;
            }
            symbols = BpeTrainer.replacePair(symbols, mergeLefts[bestRank], mergeRights[bestRank], 256 + bestRank);
        }
        if (chunkCache.size() < MAX_CACHED_CHUNKS) {
            chunkCache.put(chunk, symbols);
        }
        return symbols;
    }

    @Override
    public byte[] decode(int[] tokens) {
        return TokenBytes.concatenate(tokens, this::bytesOf);
    }

    @Override
    public byte[] tokenBytes(int token) {
        return bytesOf(token).clone();
    }

    private byte[] bytesOf(int token) {
        if (token < 0 || token >= tokenBytes.length) {
            throw new IllegalArgumentException("token " + token + " is outside this BPE vocabulary (0.."
                    + (tokenBytes.length - 1) + ")");
        }
        return tokenBytes[token];
    }

    /** Writes the kind tag, the merge count, then each merge as its left and right token ids. */
    @Override
    public void write(DataOutputStream out) throws IOException {
        out.writeUTF(KIND);
        out.writeInt(mergeLefts.length);
        for (int i = 0; i < mergeLefts.length; i++) {
            out.writeInt(mergeLefts[i]);
            out.writeInt(mergeRights[i]);
        }
    }

    /**
     * Reads what {@link #write} wrote after the kind tag (which {@link Tokenizer#read} has consumed).
     *
     * @throws IOException when the data is truncated or describes merges that training cannot have produced
     */
    public static BpeTokenizer readBody(DataInputStream in) throws IOException {
        int count = readInt(in, "the merge count");
        if (count < 0 || count > MAX_VOCABULARY_SIZE - 256) {
            throw new IOException("corrupt BPE tokenizer: merge count " + count + " is outside 0.."
                    + (MAX_VOCABULARY_SIZE - 256));
        }
        int[] lefts = new int[count];
        int[] rights = new int[count];
        Map<Long, Integer> seen = new HashMap<>();
        for (int i = 0; i < count; i++) {
            lefts[i] = readInt(in, "merge " + i + " of " + count);
            rights[i] = readInt(in, "merge " + i + " of " + count);
            for (int token : new int[] {lefts[i], rights[i]}) {
                if (token < 0 || token >= 256 + i) {
                    throw new IOException("corrupt BPE tokenizer: merge " + i + " joins token " + token
                            + ", but only tokens 0.." + (256 + i - 1) + " exist before it");
                }
            }
            Integer earlier = seen.putIfAbsent(BpeTrainer.pair(lefts[i], rights[i]), i);
            if (earlier != null) {
                throw new IOException("corrupt BPE tokenizer: merge " + i + " repeats merge " + earlier + " ("
                        + lefts[i] + ", " + rights[i] + ")");
            }
        }
        return new BpeTokenizer(lefts, rights);
    }

    private static int readInt(DataInputStream in, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IOException("corrupt BPE tokenizer: data ends before " + what, e);
        }
    }
}
