package io.collapselab.cli.hub;

import java.net.URI;
import java.util.Optional;

/**
 * A file of a model as the hub describes it before sending it.
 *
 * @param name     the file's path in the repository
 * @param commit   the commit the requested revision resolved to ({@code X-Repo-Commit})
 * @param etag     the name of its blob in the cache: the SHA-256 of an LFS file, else the git blob id
 * @param digest   what to verify the content against, where the etag is a digest
 * @param size     its size in bytes, or -1 when the hub did not say
 * @param download where its content is: a CDN for LFS files, else the resolve URL itself
 */
record RemoteFile(String name, String commit, String etag, Optional<FileDigest> digest, long size, URI download) {
}
