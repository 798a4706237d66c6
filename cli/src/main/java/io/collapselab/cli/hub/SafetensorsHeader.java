package io.collapselab.cli.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensor table at the start of a {@code .safetensors} file: an 8-byte little-endian length, then that many bytes
 * of JSON, {@code {name: {dtype, shape, data_offsets}}} plus an optional {@code __metadata__}. Only the table is
 * read, never the weights behind it, so that listing a 6 GB model costs a few kilobytes.
 */
record SafetensorsHeader(Map<String, Tensor> tensors) {

    /** The format's own limit; anything longer is not a safetensors file. */
    private static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String METADATA_KEY = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor's entry; {@code begin} and {@code end} are byte offsets into the data after the header. */
    record Tensor(String dtype, List<Long> shape, long begin, long end) {

        long elements() {
            long count = 1;
            for (long dimension : shape) {
                count = Math.multiplyExact(count, dimension);
            }
            return count;
        }
    }

    static SafetensorsHeader read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, length, file);
            long headerBytes = length.flip().getLong();
            if (headerBytes <= 0 || headerBytes > MAX_HEADER_BYTES || headerBytes > fileSize - Long.BYTES) {
                throw notSafetensors(file, "its header length " + headerBytes + " does not fit a file of "
                        + fileSize + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerBytes);
            readFully(channel, header, file);
            return parse(file, header.array(), fileSize - Long.BYTES - headerBytes);
        }
    }

    /**
     * The number of weights stored. GPT-2 files also carry each layer's causal mask ({@code h.N.attn.bias}, and
     * {@code h.N.attn.masked_bias} in older ones): a buffer the model rebuilds, not a parameter, so not counted.
     */
    long parameterCount() {
        long count = 0;
        for (Map.Entry<String, Tensor> tensor : tensors.entrySet()) {
            String name = tensor.getKey();
            if (!name.endsWith(".attn.bias") && !name.endsWith(".attn.masked_bias")) {
                count = Math.addExact(count, tensor.getValue().elements());
            }
        }
        return count;
    }

    private static SafetensorsHeader parse(Path file, byte[] header, long dataBytes) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw notSafetensors(file, "its header is not JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw notSafetensors(file, "its header is not a JSON object");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals(METADATA_KEY)) {
                tensors.put(field.getKey(), tensor(file, field.getKey(), field.getValue(), dataBytes));
            }
        }
        return new SafetensorsHeader(Map.copyOf(tensors));
    }

    private static Tensor tensor(Path file, String name, JsonNode entry, long dataBytes) throws IOException {
        JsonNode dtype = entry.path("dtype");
        JsonNode shape = entry.path("shape");
        JsonNode offsets = entry.path("data_offsets");
        if (!dtype.isTextual() || !shape.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw notSafetensors(file, "tensor '" + name + "' lacks dtype, shape or data_offsets [begin, end]");
        }
        List<Long> dimensions = new ArrayList<>();
        for (JsonNode dimension : shape) {
            if (!dimension.canConvertToLong() || !dimension.isIntegralNumber() || dimension.asLong() < 0) {
                throw notSafetensors(file, "tensor '" + name + "' has shape " + shape);
            }
            dimensions.add(dimension.asLong());
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (!offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber() || begin < 0 || end < begin
                || end > dataBytes) {
            throw notSafetensors(file, "tensor '" + name + "' has data_offsets " + offsets + " outside the "
                    + dataBytes + " bytes of data");
        }
        return new Tensor(dtype.asText(), List.copyOf(dimensions), begin, end);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw notSafetensors(file, "it ends inside its header");
            }
        }
    }

    private static IOException notSafetensors(Path file, String why) {
        return new IOException(file + " is not a safetensors file: " + why);
    }
}
