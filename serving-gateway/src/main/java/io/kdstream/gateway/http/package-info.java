/**
 * The HTTP API on Javalin: the route table, request parsing and validation, the admin bearer token, and the one
 * mapping from exceptions to statuses with JSON error bodies.
 */
package io.kdstream.gateway.http;
