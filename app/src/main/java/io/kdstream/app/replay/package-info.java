/**
 * Replayed traffic: Fashion-MNIST images streamed onto the traffic topic at a chosen rate, with optional drift
 * injected mid-stream so monitoring and alerting can be exercised end to end.
 */
package io.kdstream.app.replay;
