package io.collapselab.lm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteChunksTest {

    private static List<String> chunks(byte[] bytes) {
        List<String> chunks = new ArrayList<>();
        for (int start = 0, end; start < bytes.length; start = end) {
            end = ByteChunks.chunkEnd(bytes, start);
            chunks.add(new String(bytes, start, end - start, StandardCharsets.UTF_8));
        }
        return chunks;
    }

    @Test
    void wordsTakeTheirLeadingSpaceAndOtherBytesRunTogether() {
        byte[] text = "Hello, world  foo @-@ 42x\n\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("Hello", ",", " world", " ", " foo", " @-@", " 42x", "\n\n"), chunks(text));
    }

    @Test
    void nonAsciiLettersStayInsideTheirWord() {
        byte[] text = "caf\u00e9 na\u00efve".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("caf\u00e9", " na\u00efve"), chunks(text));
    }

    @Test
    void trailingSpaceWithoutAWordStaysWithTheOtherBytes() {
        byte[] text = "end. ".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("end", ". "), chunks(text));
    }

    @Test
    void longRunsAreCutIntoPiecesOfTheMaximumLength() {
        byte[] text = " ".concat("x".repeat(150)).getBytes(StandardCharsets.US_ASCII);
        List<String> chunks = chunks(text);
        assertEquals(List.of(ByteChunks.MAX_CHUNK_BYTES, ByteChunks.MAX_CHUNK_BYTES, 151 - 2 * ByteChunks.MAX_CHUNK_BYTES),
                chunks.stream().map(String::length).toList());
        assertEquals(" ", chunks.get(0).substring(0, 1));
    }
}
