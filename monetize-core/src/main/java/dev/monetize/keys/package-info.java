/** API keys (format, checksum, hashing), customers, and the stores that hold them. */
package dev.monetize.keys;
