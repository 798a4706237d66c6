package io.collapselab.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded pipe from a writing thread to a reading one, in chunks: at most {@code capacity} chunks of
 * {@code chunkBytes} wait at once. Unlike {@link java.io.PipedInputStream} it does not tie either end to the thread
 * that first used it, so the reader may hand the stream from thread to thread (as an SDK reading upload parts does).
 * Closing the input makes further writes fail, so a writer never blocks on a reader that gave up. A full chunk is
 * handed on only once more bytes follow it, so the reader gets the last bytes only when the writer closes the
 * output, and a writer that {@link #fail fails} instead makes the reader fail before it has them all.
 */
final class ChunkPipe {

    private static final byte[] END = new byte[0];
    private static final byte[] FAILED = new byte[0];

    private final BlockingQueue<byte[]> chunks;
    private final int chunkBytes;
    private volatile boolean readerClosed;
    private volatile IOException failure;

    ChunkPipe(int chunkBytes, int capacity) {
        this.chunkBytes = chunkBytes;
        this.chunks = new ArrayBlockingQueue<>(capacity);
    }

    /** The writing end; closing it ends the stream. */
    OutputStream output() {
        return new OutputStream() {
            private byte[] chunk = new byte[chunkBytes];
            private int filled;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    if (filled == chunk.length) {
                        hand(chunk);
                        chunk = new byte[chunkBytes];
                        filled = 0;
                    }
                    int n = Math.min(len, chunk.length - filled);
                    System.arraycopy(b, off, chunk, filled, n);
                    filled += n;
                    off += n;
                    len -= n;
                }
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                if (filled > 0) {
                    hand(Arrays.copyOf(chunk, filled));
                }
                hand(END);
            }
        };
    }

    /** The reading end. */
    InputStream input() {
        return new InputStream() {
            private byte[] chunk = new byte[0];
            private int position;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (position == chunk.length) {
                    if (ended) {
                        return -1;
                    }
                    try {
                        chunk = chunks.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for content");
                    }
                    position = 0;
                    if (chunk == FAILED) {
                        throw new IOException("the content's writer failed: " + failure.getMessage(), failure);
                    }
                    ended = chunk == END;
                }
                int n = Math.min(len, chunk.length - position);
                System.arraycopy(chunk, position, b, off, n);
                position += n;
                return n;
            }

            @Override
            public void close() {
                readerClosed = true;
                chunks.clear();
            }
        };
    }

    /** Ends the stream with {@code cause} instead of its last bytes: the reader fails with it. */
    void fail(IOException cause) {
        failure = cause;
        try {
            hand(FAILED);
        } catch (IOException readerGone) {
            // Nobody reads any more: nobody needs to hear of the failure.
        }
    }

    private void hand(byte[] chunk) throws IOException {
        try {
            while (!readerClosed) {
                if (chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing content on");
        }
        throw new ReaderClosedException();
    }

    /** What a write into the pipe fails with once its reader has gone. */
    static final class ReaderClosedException extends IOException {
        ReaderClosedException() {
            super("the reading end of the pipe is closed");
        }
    }
}
