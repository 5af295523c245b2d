package dev.monetize.spring.internal;

import dev.monetize.Principal;
import dev.monetize.TenantContext;
import dev.monetize.servlet.MonetizeFilter;
import java.util.concurrent.Callable;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.async.CallableProcessingInterceptor;

/**
 * The caller's tenant on the thread that runs a handler's {@code Callable} or writes its
 * {@code StreamingResponseBody}: Spring MVC runs them on its task executor, where no tenant is
 * current, so a store that reads by tenant ({@code TenantDataSource}) would fail there. Opened before
 * the task runs, closed after it, on that thread.
 */
public final class TenantCallables implements CallableProcessingInterceptor {
  private static final ThreadLocal<TenantContext.Scope> OPEN = new ThreadLocal<>();

  @Override
  public <T> void preProcess(NativeWebRequest request, Callable<T> task) {
    if (request.getAttribute(MonetizeFilter.PRINCIPAL_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST)
        instanceof Principal caller) {
      OPEN.set(TenantContext.open(caller.customerId()));
    }
  }

  @Override
  public <T> void postProcess(NativeWebRequest request, Callable<T> task, Object result) {
    TenantContext.Scope scope = OPEN.get();
    if (scope != null) {
      OPEN.remove();
      scope.close();
    }
  }
}
