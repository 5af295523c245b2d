/** The operator's command line ({@code monetize.jar}). */
package dev.monetize.cli;
