/**
 * Reading kd-traffic: each record is decoded and its tensor validated into an example the teacher can label, or
 * a rejection with a bounded reason that becomes a dead letter.
 */
package io.kdstream.teacher.traffic;
