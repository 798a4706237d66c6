package io.collapselab.lm.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stored type of every tensor of a safetensors file, from its JSON header alone (the file starts with the
 * header's length, a little-endian u64, then the header). DJL decodes the tensors themselves; this is read first
 * because DJL 0.36's PyTorch engine aborts the whole JVM on a bfloat16 tensor instead of throwing.
 */
final class SafetensorsHeader {

    private static final String METADATA = "__metadata__";
    /** The format's own bound on the header, well above any real one. */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsHeader() {
    }

    /**
     * Tensor name to dtype ({@code F32}, {@code F16}, {@code BF16}, ...), in the header's order.
     *
     * @throws IllegalArgumentException when the file does not start with a safetensors header
     */
    static Map<String, String> dtypes(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            if (channel.size() < Long.BYTES) {
                throw notSafetensors(file, "it has only " + channel.size() + " bytes");
            }
            ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, length);
            long headerBytes = length.getLong(0);
            if (headerBytes < 2 || headerBytes > MAX_HEADER_BYTES || headerBytes > channel.size() - Long.BYTES) {
                throw notSafetensors(file, "its header length reads as " + headerBytes + " bytes in a file of "
                        + channel.size() + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerBytes);
            readFully(channel, header);
            JsonNode tensors;
            try {
                tensors = JSON.readTree(header.array());
            } catch (IOException e) {
                throw notSafetensors(file, "its header is not JSON");
            }
            if (tensors == null || !tensors.isObject()) {
                throw notSafetensors(file, "its header is not a JSON object");
            }
            Map<String, String> dtypes = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = tensors.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> tensor = it.next();
                if (!METADATA.equals(tensor.getKey())) {
                    dtypes.put(tensor.getKey(), tensor.getValue().path("dtype").asText());
                }
            }
            return dtypes;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static IllegalArgumentException notSafetensors(Path file, String reason) {
        return new IllegalArgumentException(file + " is not a safetensors file: " + reason);
    }
}
