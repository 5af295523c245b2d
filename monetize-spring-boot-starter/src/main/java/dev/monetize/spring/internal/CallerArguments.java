package dev.monetize.spring.internal;

import dev.monetize.Decision;
import dev.monetize.Principal;
import dev.monetize.servlet.MonetizeFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves a handler method's {@link Principal} (the caller the filter admitted) and
 * {@link Decision} parameters, also as {@code Optional}s (empty for a request the filter did not
 * admit). A handler outside the catalog that asks for a plain one fails loudly: it would otherwise
 * run without a caller.
 */
public final class CallerArguments implements HandlerMethodArgumentResolver {
  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    Class<?> type = parameter.nestedIfOptional().getNestedParameterType();
    return type == Principal.class || type == Decision.class;
  }

  @Override
  public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
      WebDataBinderFactory binders) {
    boolean optional = parameter.getParameterType() == java.util.Optional.class;
    Class<?> type = parameter.nestedIfOptional().getNestedParameterType();
    HttpServletRequest http = request.getNativeRequest(HttpServletRequest.class);
    Object value = http == null ? null : http.getAttribute(type == Principal.class
        ? MonetizeFilter.PRINCIPAL_ATTRIBUTE : MonetizeFilter.DECISION_ATTRIBUTE);
    if (optional) {
      return java.util.Optional.ofNullable(value); // a handler that also serves callers outside the catalog
    }
    if (value == null) {
      throw new IllegalStateException(parameter.getExecutable().toGenericString() + " takes the caller, but "
          + "MonetizeFilter did not admit this request: declare the route in the plans file or annotate the handler "
          + "with @Monetized");
    }
    return value;
  }
}
