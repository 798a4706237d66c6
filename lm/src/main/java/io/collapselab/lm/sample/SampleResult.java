package io.collapselab.lm.sample;

import io.collapselab.lm.tokenizer.Tokenizer;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Sampled sequences, each starting with the prompt's {@code promptLength} tokens. */
public record SampleResult(int[][] sequences, int promptLength) {

    /** Tokens sampled after the prompts, in all sequences together. */
    public long newTokenCount() {
        long count = 0;
        for (int[] sequence : sequences) {
            count += sequence.length - promptLength;
        }
        return count;
    }

    /** The corpus: every sequence, prompt included, decoded and concatenated in order. */
    public byte[] corpus(Tokenizer tokenizer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int[] sequence : sequences) {
            out.writeBytes(tokenizer.decode(sequence));
        }
        return out.toByteArray();
    }

    /** The ids the corpus is decoded from: every sequence, prompt included, concatenated in order. */
    public int[] corpusTokens() {
        int[] ids = new int[Arrays.stream(sequences).mapToInt(sequence -> sequence.length).sum()];
        int at = 0;
        for (int[] sequence : sequences) {
            System.arraycopy(sequence, 0, ids, at, sequence.length);
            at += sequence.length;
        }
        return ids;
    }

    /** The sequences at {@code indices}, in that order. */
    public SampleResult only(int[] indices) {
        int[][] kept = new int[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            kept[i] = sequences[indices[i]];
        }
        return new SampleResult(kept, promptLength);
    }

    /** The tokens one sequence sampled after its prompt. */
    public int[] newTokens(int sequence) {
        return Arrays.copyOfRange(sequences[sequence], promptLength, sequences[sequence].length);
    }
}
