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
 * {@link Decision} parameters. A handler outside the catalog that asks for one fails loudly: it
 * would otherwise run without a caller.
 */
public final class CallerArguments implements HandlerMethodArgumentResolver {
  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    Class<?> type = parameter.getParameterType();
    return type == Principal.class || type == Decision.class;
  }

  @Override
  public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
      WebDataBinderFactory binders) {
    HttpServletRequest http = request.getNativeRequest(HttpServletRequest.class);
    Object value = http == null ? null : http.getAttribute(parameter.getParameterType() == Principal.class
        ? MonetizeFilter.PRINCIPAL_ATTRIBUTE : MonetizeFilter.DECISION_ATTRIBUTE);
    if (value == null) {
      throw new IllegalStateException(parameter.getExecutable().toGenericString() + " takes the caller, but "
          + "MonetizeFilter did not admit this request: declare the route in the plans file or annotate the handler "
          + "with @Monetized");
    }
    return value;
  }
}
