/**
 * Replayed traffic of any task: a data set cycled, a CSV or JSON Lines file streamed once, or the generated tabular
 * stream, sent onto the traffic topic or through the gateway at a chosen rate, with optional drift injected
 * mid-stream (inverted inputs, a class-mix shift, covariate shift) so monitoring and alerting can be exercised end to end.
 */
package io.kdstream.app.replay;
