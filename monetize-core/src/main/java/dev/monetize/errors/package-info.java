/** Stable error codes and their RFC 9457 problem-details rendering. */
package dev.monetize.errors;
