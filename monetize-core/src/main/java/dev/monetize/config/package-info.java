/** Loading plans and operations from YAML or JSON, with errors that name the field. */
package dev.monetize.config;
