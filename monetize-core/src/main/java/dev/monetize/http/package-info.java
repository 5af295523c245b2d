/** HTTP-neutral pieces every adapter shares: routes, rate-limit headers, request ids. */
package dev.monetize.http;
