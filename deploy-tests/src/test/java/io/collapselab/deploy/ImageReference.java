package io.collapselab.deploy;

/** An image reference split as container tools split it: {@code name[:tag][@digest]}. */
record ImageReference(String name, String tag, String digest) {

    static ImageReference parse(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new AssertionError("empty image reference");
        }
        String rest = reference;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        // A colon before the last slash belongs to a registry's port, not to a tag.
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        return new ImageReference(rest, tag, digest);
    }

    /** The last path segment of the name: {@code trainer-service} for {@code collapse-lab/trainer-service}. */
    String repository() {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return name + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
