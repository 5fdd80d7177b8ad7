/**
 * Binary codecs for the records: Avro single-object encoding (a two-byte marker, the writer schema's
 * 64-bit fingerprint, then the payload), so a reader can tell which schema wrote a record and refuse
 * bytes that are not a kd-stream record with a clear message.
 */
package io.kdstream.schemas.serde;
