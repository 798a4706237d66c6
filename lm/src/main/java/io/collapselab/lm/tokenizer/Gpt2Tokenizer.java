package io.collapselab.lm.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import io.collapselab.lm.Sha256;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's own byte-level BPE (OpenAI's {@code r50k_base} ranks, as jtokkit ships them): 50,256 tokens plus
 * {@code <|endoftext|>} = 50256, so that a pretrained GPT-2 reads and writes the ids it was trained on.
 *
 * <p>jtokkit encodes strings, but a tokenizer here works on bytes: each maximal run of valid UTF-8 goes through
 * jtokkit, and each byte that is not part of valid UTF-8 becomes GPT-2's single-byte token for it (every byte has
 * one). So {@code decode(encode(b))} equals {@code b} for any bytes. {@code <|endoftext|>} in the input is
 * ordinary text; a sampled 50256 decodes to those 13 bytes and encodes back as ordinary text.
 *
 * <p>A checkpoint names the encoding and carries a SHA-256 of the ranks jtokkit loaded, so a model is never read
 * with other ranks than it was trained with.
 */
public final class Gpt2Tokenizer implements Tokenizer {

    public static final String KIND = "gpt2";
    public static final String ENCODING_NAME = EncodingType.R50K_BASE.getName();
    public static final int VOCABULARY_SIZE = 50_257;
    public static final int END_OF_TEXT = 50_256;
    public static final Gpt2Tokenizer INSTANCE = new Gpt2Tokenizer();

    private Gpt2Tokenizer() {
    }

    /**
     * Loaded on first use, once per JVM: reading the ranks and digesting them takes most of a second,
     * which runs with another tokenizer never pay.
     */
    private static final class Ranks {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        static final byte[][] TOKEN_BYTES = new byte[VOCABULARY_SIZE][];
        static final int[] BYTE_TOKENS = new int[256];
        static final String SHA256;

        static {
            Arrays.fill(BYTE_TOKENS, -1);
            IntArrayList single = new IntArrayList(1);
            int tableBytes = 0;
            for (int token = 0; token < VOCABULARY_SIZE; token++) {
                single.clear();
                single.add(token);
                byte[] bytes = ENCODING.decodeBytes(single);
                TOKEN_BYTES[token] = bytes;
                tableBytes += Integer.BYTES + bytes.length;
                if (bytes.length == 1) {
                    BYTE_TOKENS[bytes[0] & 0xff] = token;
                }
            }
            for (int b = 0; b < 256; b++) {
                if (BYTE_TOKENS[b] < 0) {
                    throw new IllegalStateException("jtokkit's " + ENCODING_NAME + " has no token for the byte "
                            + b + ", so it cannot be GPT-2's; use jtokkit 1.1.0");
                }
            }
            ByteBuffer table = ByteBuffer.allocate(tableBytes);
            for (byte[] bytes : TOKEN_BYTES) {
                table.putInt(bytes.length).put(bytes);
            }
            SHA256 = Sha256.hex(table.array());
        }
    }

    /**
     * SHA-256, as lower-case hex, of the ranks this JVM's jtokkit loaded: of every token's length (4 bytes,
     * big-endian) and bytes, ids 0..50256 in order, so a changed, moved or missing token changes it.
     */
    public static String ranksSha256() {
        return Ranks.SHA256;
    }

    @Override
    public int vocabularySize() {
        return VOCABULARY_SIZE;
    }

    @Override
    public int[] encode(byte[] bytes) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never decodes to more chars than it has bytes, so the decoder cannot overflow this buffer.
        CharBuffer text = CharBuffer.allocate(bytes.length);
        IntArrayList tokens = new IntArrayList(bytes.length / 4 + 16);
        CoderResult result = utf8.decode(in, text, true);
        while (result.isError()) {
            appendText(text, tokens);
            for (int i = 0; i < result.length(); i++) {
                tokens.add(Ranks.BYTE_TOKENS[in.get() & 0xff]);
            }
            result = utf8.decode(in, text, true);
        }
        utf8.flush(text);
        appendText(text, tokens);
        return tokens.toArray();
    }

    /** Encodes the text decoded so far, a run of valid UTF-8, and empties the buffer for the next run. */
    private static void appendText(CharBuffer text, IntArrayList tokens) {
        text.flip();
        if (text.hasRemaining()) {
            IntArrayList run = Ranks.ENCODING.encodeOrdinary(text.toString());
            for (int i = 0; i < run.size(); i++) {
                tokens.add(run.get(i));
            }
        }
        text.clear();
    }

    @Override
    public byte[] decode(int[] tokens) {
        return TokenBytes.concatenate(tokens, Gpt2Tokenizer::bytesOf);
    }

    @Override
    public byte[] tokenBytes(int token) {
        return bytesOf(token).clone();
    }

    private static byte[] bytesOf(int token) {
        if (token < 0 || token >= VOCABULARY_SIZE) {
            throw new IllegalArgumentException("token " + token + " is outside GPT-2's vocabulary (0.."
                    + (VOCABULARY_SIZE - 1) + ")");
        }
        return Ranks.TOKEN_BYTES[token];
    }

    /** Writes the kind tag, the encoding's name and the SHA-256 of its ranks; the ranks themselves are jtokkit's. */
    @Override
    public void write(DataOutputStream out) throws IOException {
        out.writeUTF(KIND);
        out.writeUTF(ENCODING_NAME);
        out.writeUTF(ranksSha256());
    }

    /**
     * Reads what {@link #write} wrote after the kind tag (which {@link Tokenizer#read} has consumed).
     *
     * @throws IOException when the checkpoint names another encoding or was made with other ranks than jtokkit
     *                     loads here
     */
    static Gpt2Tokenizer readBody(DataInputStream in) throws IOException {
        String encoding = in.readUTF();
        if (!ENCODING_NAME.equals(encoding)) {
            throw new IOException("the checkpoint's GPT-2 tokenizer uses the encoding '" + encoding
                    + "', but this build only has " + ENCODING_NAME);
        }
        String sha256 = in.readUTF();
        if (!ranksSha256().equals(sha256)) {
            throw new IOException("the checkpoint was made with other " + ENCODING_NAME + " ranks (SHA-256 "
                    + sha256 + ") than this build's jtokkit loads (" + ranksSha256()
                    + "); read it with the jtokkit version it was written with");
        }
        return INSTANCE;
    }
}
