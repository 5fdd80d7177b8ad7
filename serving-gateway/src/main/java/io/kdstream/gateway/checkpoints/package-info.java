/**
 * Reads the compacted checkpoint topic: a fast catch-up at start that only reassembles the newest good version,
 * then a follower that reassembles each new version and offers it for promotion, off the request path.
 */
package io.kdstream.gateway.checkpoints;
