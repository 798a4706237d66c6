package io.collapselab.cli.hub;

/** Hears how a file's download proceeds; sizes in bytes, {@code total} -1 when unknown. */
public interface TransferListener {

    /** Nothing is reported. */
    TransferListener NONE = new TransferListener() {
    };

    /** The server started sending; {@code offset} bytes were there from an earlier, interrupted download. */
    default void started(String file, long offset, long total) {
    }

    default void transferred(String file, long done, long total) {
    }

    /** The connection broke off after {@code done} bytes, for the reason given; the download is retried. */
    default void broke(String file, long done, String reason) {
    }

    default void finished(String file, long done) {
    }
}
