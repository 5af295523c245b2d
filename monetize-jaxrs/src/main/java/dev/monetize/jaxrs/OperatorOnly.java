package dev.monetize.jaxrs;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method (or every method of a class) that only the operator's credential may
 * call, such as {@code GET /metrics}: {@link MonetizeFeature} answers any other request with problem
 * JSON ({@code 401} without a valid credential, {@code 403} with another's). Such calls are not
 * metered.
 *
 * <pre>{@code
 * @GET @Path("metrics") @OperatorOnly
 * public String metrics() { return registry.scrape(); }
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface OperatorOnly {
}
