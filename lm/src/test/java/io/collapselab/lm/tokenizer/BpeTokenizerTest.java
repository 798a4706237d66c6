package io.collapselab.lm.tokenizer;

import io.collapselab.lm.RealText;
import static io.collapselab.lm.tokenizer.TokenizerStreams.deserialized;
import static io.collapselab.lm.tokenizer.TokenizerStreams.serialized;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BpeTokenizerTest {

    /** Small text with ASCII words, punctuation and multi-byte characters, so tests run without real data. */
    private static final byte[] SYNTHETIC = ("The cat sat on the mat. The cat ate the rat! "
            + "Caf\u00e9s na\u00efvely serve 42 cr\u00e8me br\u00fbl\u00e9es, 42 caf\u00e9s. ").repeat(20)
            .getBytes(StandardCharsets.UTF_8);

    private static String bytesOf(BpeTokenizer tokenizer, int token) {
        return new String(tokenizer.tokenBytes(token), StandardCharsets.UTF_8);
    }

    @Test
    void handExampleMergesTheMostFrequentPairAndBreaksTiesByLowestIds() {
        // Chunks "aaab" and " aaab": (a,a) occurs 4 times, so it is merged first into 256 = "aa". Then (a,b) and
        // (256,a) both occur twice and (a,b) has the lower left id, so 257 = "ab"; then (256,257) gives "aaab".
        // The only pair left, (" ", 258), occurs once, so training stops at 259 tokens although 300 were allowed.
        BpeTokenizer tokenizer = BpeTokenizer.train("aaab aaab".getBytes(StandardCharsets.US_ASCII), 300);

        assertEquals(259, tokenizer.vocabularySize());
        assertEquals("aa", bytesOf(tokenizer, 256));
        assertEquals("ab", bytesOf(tokenizer, 257));
        assertEquals("aaab", bytesOf(tokenizer, 258));
        assertArrayEquals(new int[] {258, ' ', 258}, tokenizer.encode("aaab aaab"));
        assertArrayEquals(new int[] {256, 'a'}, tokenizer.encode("aaa"));
        // "aaabaaaa" -> [aa, a, b, aa, aa] -> [aa, ab, aa, aa] -> [aaab, aa, aa]: merges apply in rank order.
        assertArrayEquals(new int[] {258, 256, 256}, tokenizer.encode("aaabaaaa"));
    }

    @Test
    void vocabularySizeOutsideTheSupportedRangeIsRejectedWithTheRange() {
        for (int size : new int[] {256, 65_537}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BpeTokenizer.train(SYNTHETIC, size));
            assertTrue(e.getMessage().contains("between 257") && e.getMessage().contains("65536")
                    && e.getMessage().contains("was " + size), e.getMessage());
        }
    }

    @Test
    void randomBytesRoundTripIncludingInvalidUtf8() {
        BpeTokenizer tokenizer = BpeTokenizer.train(SYNTHETIC, 400);
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            byte[] bytes = new byte[random.nextInt(0, 300)];
            for (int i = 0; i < bytes.length; i++) {
                // Half the trials draw from the training text's alphabet so that merges actually apply.
                bytes[i] = trial % 2 == 0 ? (byte) random.nextInt(256) : SYNTHETIC[random.nextInt(SYNTHETIC.length)];
            }
            assertArrayEquals(bytes, tokenizer.decode(tokenizer.encode(bytes)), "trial " + trial);
        }
    }

    @Test
    void randomUnicodeStringsRoundTrip() {
        BpeTokenizer tokenizer = BpeTokenizer.train(SYNTHETIC, 400);
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(0, 100);
            while (text.length() < length) {
                int codePoint = random.nextInt(3) == 0 ? random.nextInt(0x20, 0x7f) : random.nextInt(0x80, 0x110000);
                if (codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE) {
                    text.appendCodePoint(codePoint);
                }
            }
            assertEquals(text.toString(), tokenizer.decodeToString(tokenizer.encode(text.toString())));
        }
    }

    @Test
    void realTextRoundTripsCompressesAndTrainsDeterministically() throws IOException {
        byte[] text = RealText.train(Integer.MAX_VALUE);
        BpeTokenizer first = BpeTokenizer.train(text, 1024);
        BpeTokenizer second = BpeTokenizer.train(text, 1024);

        assertEquals(1024, first.vocabularySize());
        assertArrayEquals(serialized(first), serialized(second), "same text and size must give the same merges");
        int[] tokens = first.encode(text);
        assertArrayEquals(text, first.decode(tokens));
        // Measured: 0.371 tokens per byte on WikiText-2 test.txt at 1024 tokens (0.307 at 2048); bytes alone give 1.
        double tokensPerByte = tokens.length / (double) text.length;
        assertTrue(tokensPerByte < 0.45, "tokens per byte " + tokensPerByte);
        for (int token = 256; token < first.vocabularySize(); token++) {
            byte[] bytes = first.tokenBytes(token);
            assertEquals(bytes.length, ByteChunks.chunkEnd(bytes, 0), "token " + token + " crosses a chunk boundary");
        }
    }

    @Test
    void writeThenReadGivesATokenizerWithIdenticalEncodings() throws IOException {
        BpeTokenizer original = BpeTokenizer.train(SYNTHETIC, 400);
        Tokenizer restored = deserialized(serialized(original));

        assertInstanceOf(BpeTokenizer.class, restored);
        assertEquals(original.vocabularySize(), restored.vocabularySize());
        assertArrayEquals(original.encode(SYNTHETIC), restored.encode(SYNTHETIC));
        for (int token = 0; token < original.vocabularySize(); token++) {
            assertArrayEquals(original.tokenBytes(token), restored.tokenBytes(token));
        }
    }

    @Test
    void truncatedSerializationIsReportedAsCorrupt() throws IOException {
        byte[] complete = serialized(BpeTokenizer.train(SYNTHETIC, 400));
        byte[] truncated = Arrays.copyOf(complete, complete.length - 3);

        IOException e = assertThrows(IOException.class, () -> deserialized(truncated));
        assertTrue(e.getMessage().startsWith("corrupt BPE tokenizer: data ends before merge"), e.getMessage());
    }

    @Test
    void mergeOfATokenThatDoesNotExistYetIsReportedAsCorrupt() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(BpeTokenizer.KIND);
            out.writeInt(2);
            out.writeInt('a');
            out.writeInt('b');
            out.writeInt(257);
            out.writeInt('c');
        }
        IOException e = assertThrows(IOException.class, () -> deserialized(bytes.toByteArray()));
        assertEquals("corrupt BPE tokenizer: merge 1 joins token 257, but only tokens 0..256 exist before it",
                e.getMessage());
    }

    @Test
    void decodingATokenOutsideTheVocabularyNamesTheToken() {
        BpeTokenizer tokenizer = BpeTokenizer.train(SYNTHETIC, 300);
        int outside = tokenizer.vocabularySize();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tokenizer.decode(new int[] {'a', outside}));
        assertTrue(e.getMessage().startsWith("token " + outside + " is outside"), e.getMessage());
    }
}
