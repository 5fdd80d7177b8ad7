/**
 * Helpers shared by the app module's end-to-end tests: a small teacher trained on the spot, so that no test depends
 * on a model file it did not make, and a client for a real Prometheus server started by a test.
 */
package io.kdstream.app.testing;
