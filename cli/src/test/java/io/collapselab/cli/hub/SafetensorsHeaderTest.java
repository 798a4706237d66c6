package io.collapselab.cli.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsHeaderTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryTensorButTheMetadataAndCountsTheWeightsWithoutTheMasks() throws IOException {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("transformer.wte.weight", new int[] {10, 4});
        shapes.put("transformer.h.0.attn.c_attn.bias", new int[] {12});
        shapes.put("transformer.h.0.attn.bias", new int[] {1, 1, 8, 8});
        shapes.put("transformer.h.0.attn.masked_bias", new int[] {});
        Path file = Files.write(dir.resolve("model.safetensors"), FakeHub.safetensors(shapes, 1));

        SafetensorsHeader header = SafetensorsHeader.read(file);

        assertEquals(shapes.keySet(), header.tensors().keySet());
        assertEquals(new SafetensorsHeader.Tensor("F32", List.of(10L, 4L), 0, 160),
                header.tensors().get("transformer.wte.weight"));
        assertEquals(10 * 4 + 12, header.parameterCount());
    }

    @Test
    void aHeaderLongerThanTheFileIsNoSafetensorsFile() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).put("{}  ".getBytes(
                StandardCharsets.US_ASCII));
        Path file = Files.write(dir.resolve("bad.safetensors"), bytes.array());

        IOException error = assertThrows(IOException.class, () -> SafetensorsHeader.read(file));

        assertTrue(error.getMessage().contains("is not a safetensors file: its header length 1000"),
                error.getMessage());
    }

    @Test
    void aTruncatedFileIsNoSafetensorsFile() throws IOException {
        byte[] whole = FakeHub.safetensors(Map.of("w", new int[] {4, 4}), 2);
        Path file = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(whole, 40));

        IOException error = assertThrows(IOException.class, () -> SafetensorsHeader.read(file));

        assertTrue(error.getMessage().contains("is not a safetensors file"), error.getMessage());
    }

    @Test
    void offsetsBeyondTheDataAreRefused() throws IOException {
        byte[] json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,800]}}".getBytes(
                StandardCharsets.US_ASCII);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json);
        Path file = Files.write(dir.resolve("short.safetensors"), bytes.array());

        IOException error = assertThrows(IOException.class, () -> SafetensorsHeader.read(file));

        assertTrue(error.getMessage().contains("outside the 8 bytes of data"), error.getMessage());
    }
}
