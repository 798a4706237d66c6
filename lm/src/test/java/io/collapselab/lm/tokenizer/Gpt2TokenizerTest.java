package io.collapselab.lm.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import io.collapselab.lm.RealText;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.SplittableRandom;

import static io.collapselab.lm.tokenizer.TokenizerStreams.deserialized;
import static io.collapselab.lm.tokenizer.TokenizerStreams.serialized;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Gpt2TokenizerTest {

    private static final Gpt2Tokenizer GPT2 = Gpt2Tokenizer.INSTANCE;

    /** Code point ranges of several scripts: Latin-1, Greek, Cyrillic, Arabic, Devanagari, CJK, emoji. */
    private static final int[][] SCRIPTS = {
            {0x20, 0x7e}, {0xa0, 0xff}, {0x391, 0x3c9}, {0x410, 0x44f}, {0x621, 0x64a}, {0x905, 0x939},
            {0x4e00, 0x9fff}, {0x1f300, 0x1f64f}, {0x1f900, 0x1f9ff},
    };

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] serializedGpt2(String encoding, String sha256) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(Gpt2Tokenizer.KIND);
            out.writeUTF(encoding);
            out.writeUTF(sha256);
        }
        return bytes.toByteArray();
    }

    private static String randomText(SplittableRandom random, int codePoints) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int roll = random.nextInt(10);
            if (roll == 0) {
                text.append(random.nextBoolean() ? ' ' : '\n');
            } else {
                int[] script = SCRIPTS[random.nextInt(SCRIPTS.length)];
                text.appendCodePoint(random.nextInt(script[0], script[1] + 1));
            }
        }
        return text.toString();
    }

    @Test
    void encodesTheIdsGpt2Uses() {
        assertArrayEquals(new int[] {198}, GPT2.encode("\n"));
        assertArrayEquals(new int[] {262}, GPT2.encode(" the"));
        assertArrayEquals(new int[] {15496, 995}, GPT2.encode("Hello world"));
        assertEquals(50_257, GPT2.vocabularySize());
    }

    @Test
    void endOfTextInTheInputIsOrdinaryText() {
        int[] tokens = GPT2.encode("a<|endoftext|>b");

        assertTrue(tokens.length > 3, "the marker should take several ordinary tokens, got " + tokens.length);
        for (int token : tokens) {
            assertNotEquals(Gpt2Tokenizer.END_OF_TEXT, token);
        }
        assertEquals("a<|endoftext|>b", GPT2.decodeToString(tokens));
        assertEquals("<|endoftext|>", new String(GPT2.tokenBytes(Gpt2Tokenizer.END_OF_TEXT), StandardCharsets.UTF_8));
    }

    @Test
    void everyByteAloneIsOneTokenOfThatByte() {
        Set<Integer> tokens = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            byte[] alone = {(byte) b};
            int[] encoded = GPT2.encode(alone);
            assertEquals(1, encoded.length, "byte " + b);
            assertArrayEquals(alone, GPT2.tokenBytes(encoded[0]), "byte " + b);
            tokens.add(encoded[0]);
        }
        assertEquals(256, tokens.size());
    }

    @Test
    void invalidUtf8BetweenTextKeepsTheTextsTokens() {
        byte[] text = utf8("Hello world");
        byte[] broken = new byte[text.length + 1];
        System.arraycopy(text, 0, broken, 0, 5);
        broken[5] = (byte) 0xff;
        System.arraycopy(text, 5, broken, 6, text.length - 5);

        int[] tokens = GPT2.encode(broken);

        assertArrayEquals(new int[] {15496, GPT2.encode(new byte[] {(byte) 0xff})[0], 995}, tokens);
        assertArrayEquals(broken, GPT2.decode(tokens));
    }

    @Test
    void randomTextInSeveralScriptsRoundTrips() {
        SplittableRandom random = new SplittableRandom(17);
        for (int trial = 0; trial < 300; trial++) {
            String text = randomText(random, random.nextInt(0, 120));
            int[] tokens = GPT2.encode(text);
            assertEquals(text, GPT2.decodeToString(tokens), "trial " + trial);
            assertArrayEquals(utf8(text), GPT2.decode(tokens), "trial " + trial);
        }
    }

    @Test
    void randomBytesRoundTripIncludingInvalidUtf8() {
        SplittableRandom random = new SplittableRandom(23);
        for (int trial = 0; trial < 300; trial++) {
            byte[] bytes;
            if (trial % 2 == 0) {
                bytes = new byte[random.nextInt(0, 300)];
                random.nextBytes(bytes);
            } else {
                // Valid text with a few bytes overwritten: cut multi-byte characters, stray continuation bytes.
                bytes = utf8(randomText(random, random.nextInt(1, 100)));
                for (int hits = random.nextInt(1, 4); hits > 0; hits--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(0x80, 0x100);
                }
            }
            assertArrayEquals(bytes, GPT2.decode(GPT2.encode(bytes)), "trial " + trial);
        }
    }

    @Test
    void malformedSequencesThatLookLikeUtf8BecomeOneTokenPerByte() {
        byte[][] cases = {
                {(byte) 0xc0, (byte) 0xaf},                             // overlong '/'
                {(byte) 0xed, (byte) 0xa0, (byte) 0x80},                // an encoded surrogate
                {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},   // above U+10FFFF
                {'a', (byte) 0xe2, (byte) 0x82},                        // a euro sign cut off at the end
        };
        for (byte[] bytes : cases) {
            int[] tokens = GPT2.encode(bytes);
            assertEquals(bytes.length, tokens.length, "tokens of " + HexFormat.of().formatHex(bytes));
            assertArrayEquals(bytes, GPT2.decode(tokens));
        }
        byte[] cutThenWhole = {(byte) 0xe2, (byte) 0x82, 'a', (byte) 0xe2, (byte) 0x82, (byte) 0xac};
        assertArrayEquals(cutThenWhole, GPT2.decode(GPT2.encode(cutThenWhole)));
    }

    @Test
    void tokenBytesConcatenatedAreTheDecodedBytes() {
        SplittableRandom random = new SplittableRandom(29);
        byte[] bytes = utf8(randomText(random, 500));
        bytes[100] = (byte) 0xc3;
        int[] tokens = GPT2.encode(bytes);

        ByteArrayOutputStream concatenated = new ByteArrayOutputStream();
        for (int token : tokens) {
            concatenated.writeBytes(GPT2.tokenBytes(token));
        }
        assertArrayEquals(GPT2.decode(tokens), concatenated.toByteArray());
        assertArrayEquals(bytes, concatenated.toByteArray());
    }

    @Test
    void realTextEncodesAsJtokkitEncodesTheWholeText() {
        byte[] text = RealText.train(Integer.MAX_VALUE);
        int[] tokens = GPT2.encode(text);

        int[] whole = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE)
                .encodeOrdinary(new String(text, StandardCharsets.UTF_8)).toArray();
        assertArrayEquals(whole, tokens);
        assertArrayEquals(text, GPT2.decode(tokens));
    }

    @Test
    void writeThenReadGivesTheSameTokenizer() throws IOException {
        byte[] bytes = serialized(GPT2);

        assertSame(GPT2, deserialized(bytes));
        assertTrue(Gpt2Tokenizer.ranksSha256().matches("[0-9a-f]{64}"), Gpt2Tokenizer.ranksSha256());
        assertArrayEquals(serializedGpt2(Gpt2Tokenizer.ENCODING_NAME, Gpt2Tokenizer.ranksSha256()), bytes);
    }

    @Test
    void aCheckpointMadeWithOtherRanksIsRefused() throws IOException {
        String digest = Gpt2Tokenizer.ranksSha256();
        String tampered = (digest.charAt(0) == '0' ? "1" : "0") + digest.substring(1);

        IOException e = assertThrows(IOException.class,
                () -> deserialized(serializedGpt2(Gpt2Tokenizer.ENCODING_NAME, tampered)));
        assertTrue(e.getMessage().startsWith("the checkpoint was made with other r50k_base ranks"), e.getMessage());
        assertTrue(e.getMessage().contains(tampered) && e.getMessage().contains(digest), e.getMessage());
    }

    @Test
    void aCheckpointNamingAnotherEncodingIsRefused() throws IOException {
        IOException e = assertThrows(IOException.class,
                () -> deserialized(serializedGpt2("cl100k_base", Gpt2Tokenizer.ranksSha256())));
        assertEquals("the checkpoint's GPT-2 tokenizer uses the encoding 'cl100k_base', but this build only has "
                + "r50k_base", e.getMessage());
    }

    @Test
    void decodingATokenOutsideTheVocabularyNamesTheToken() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GPT2.decode(new int[] {198, 50_257}));
        assertTrue(e.getMessage().startsWith("token 50257 is outside"), e.getMessage());
    }
}
