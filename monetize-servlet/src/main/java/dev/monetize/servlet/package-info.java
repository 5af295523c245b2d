/** Jakarta Servlet 6 adapter: {@link dev.monetize.servlet.MonetizeFilter}. */
package dev.monetize.servlet;
