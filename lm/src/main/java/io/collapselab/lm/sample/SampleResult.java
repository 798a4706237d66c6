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

    /** The tokens one sequence sampled after its prompt. */
    public int[] newTokens(int sequence) {
        return Arrays.copyOfRange(sequences[sequence], promptLength, sequences[sequence].length);
    }
}
