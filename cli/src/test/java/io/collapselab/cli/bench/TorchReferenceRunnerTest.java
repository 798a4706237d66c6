package io.collapselab.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Why the PyTorch reference cannot run, as the user reads it; timing it needs torch and runs by hand. */
class TorchReferenceRunnerTest {

    @Test
    void aMissingInterpreterIsNamedWithTheOptionThatPicksAnother() throws Exception {
        TorchReferenceRunner reference = TorchReferenceRunner.find("no-such-python-interpreter");

        assertEquals(Optional.of("'no-such-python-interpreter' was not found (pass --python)"),
                reference.unavailable());
    }

    @Test
    void anInterpreterThatCannotImportTorchIsToldHowToGetIt() throws Exception {
        TorchReferenceRunner reference = TorchReferenceRunner.find("false");

        assertEquals(Optional.of("'false' cannot import torch (exit code 1); on Debian, apt-get install"
                + " python3-torch, and see bench/torch_reference.py for its BLAS"), reference.unavailable());
    }
}
