/** Internals of the starter; not an API. */
package dev.monetize.spring.internal;
