package dev.monetize.openapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetized;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The request and response bodies of the operations, as the code's types: the OpenAPI document
 * turns them into JSON Schema 2020-12 ({@code components/schemas}, named after the types) with the
 * property names the application's {@link ObjectMapper} writes (its naming strategy and Jackson
 * annotations), and adds the examples given. Operations without a type keep a generic answer.
 *
 * <pre>{@code
 * ApiSchemas schemas = ApiSchemas.builder(objectMapper)
 *     .response("stats.summary", Summary.class)
 *     .request("events.ingest", new TypeReference<List<Event>>() { }.getType())
 *     .build();
 * Monetize.builder()...apiSchemas(schemas)
 * }</pre>
 *
 * <p>JAX-RS and Spring MVC handlers annotated with {@link Monetized} declare theirs with
 * {@link Monetized#response()}, {@link Monetized#request()} and {@link Monetized#status()}, or by
 * their return type ({@link Builder#handler}).
 */
public final class ApiSchemas {
  private static final ApiSchemas NONE = new ApiSchemas(new ObjectMapper(), Map.of(), Map.of(), Map.of(), Map.of());

  private final ObjectMapper mapper;
  private final Map<String, Type> responses;
  private final Map<String, Type> requests;
  private final Map<String, Object> examples;
  private final Map<String, Integer> statuses;

  private ApiSchemas(ObjectMapper mapper, Map<String, Type> responses, Map<String, Type> requests,
      Map<String, Object> examples, Map<String, Integer> statuses) {
    this.statuses = Map.copyOf(statuses);
    this.mapper = mapper;
    this.responses = Map.copyOf(responses);
    this.requests = Map.copyOf(requests);
    this.examples = Map.copyOf(examples);
  }

  /** No types: every operation keeps a generic answer. */
  public static ApiSchemas none() {
    return NONE;
  }

  /** Types of answers written by {@code mapper} (its naming strategy names the properties). */
  public static Builder builder(ObjectMapper mapper) {
    return new Builder(mapper);
  }

  /** A builder holding these types, to add more. */
  public Builder toBuilder() {
    Builder b = new Builder(mapper);
    b.responses.putAll(responses);
    b.requests.putAll(requests);
    b.examples.putAll(examples);
    b.statuses.putAll(statuses);
    return b;
  }

  /** The mapper whose naming the schemas follow. */
  ObjectMapper mapper() {
    return mapper;
  }

  /** The type of an operation's answer, if declared. */
  public Optional<Type> response(String operationId) {
    return Optional.ofNullable(responses.get(operationId));
  }

  /** The type of an operation's request body, if declared. */
  public Optional<Type> request(String operationId) {
    return Optional.ofNullable(requests.get(operationId));
  }

  /** An example answer of an operation, if given. */
  public Optional<Object> example(String operationId) {
    return Optional.ofNullable(examples.get(operationId));
  }

  /** The status of an operation's successful answer: 200 unless declared otherwise. */
  public int status(String operationId) {
    return statuses.getOrDefault(operationId, 200);
  }

  /** Whether no operation has a type or a status of its own. */
  public boolean isEmpty() {
    return responses.isEmpty() && requests.isEmpty() && statuses.isEmpty();
  }

  /** Builds {@link ApiSchemas}. */
  public static final class Builder {
    private final ObjectMapper mapper;
    private final Map<String, Type> responses = new LinkedHashMap<>();
    private final Map<String, Type> requests = new LinkedHashMap<>();
    private final Map<String, Object> examples = new LinkedHashMap<>();
    private final Map<String, Integer> statuses = new LinkedHashMap<>();

    private Builder(ObjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** The answer of {@code operationId} is a {@code type} as JSON. */
    public Builder response(String operationId, Type type) {
      responses.put(Objects.requireNonNull(operationId, "operationId"), Objects.requireNonNull(type, "type"));
      return this;
    }

    /** The request body of {@code operationId} is a {@code type} as JSON. */
    public Builder request(String operationId, Type type) {
      requests.put(Objects.requireNonNull(operationId, "operationId"), Objects.requireNonNull(type, "type"));
      return this;
    }

    /** The status of a successful answer of {@code operationId} (2xx; 200 unless declared). */
    public Builder status(String operationId, int status) {
      if (status < 200 || status > 299) {
        throw new IllegalArgumentException("operation '" + operationId + "': a successful status is 200-299, got "
            + status);
      }
      statuses.put(Objects.requireNonNull(operationId, "operationId"), status);
      return this;
    }

    /** An example answer of {@code operationId}, written by the mapper into the document. */
    public Builder example(String operationId, Object example) {
      examples.put(Objects.requireNonNull(operationId, "operationId"), Objects.requireNonNull(example, "example"));
      return this;
    }

    /**
     * The types a handler method declares for {@code operationId}: {@link Monetized#response()} and
     * {@link Monetized#request()} on the method (else on its class); without a declared response,
     * the method's return type when it is a data type ({@code ResponseEntity<T>} counts as
     * {@code T}; {@code void}, bytes, text, streams and framework responses say nothing).
     */
    public Builder handler(String operationId, Method method) {
      Monetized on = method.getAnnotation(Monetized.class);
      Monetized onClass = method.getDeclaringClass().getAnnotation(Monetized.class);
      Class<?> declared = declared(on, onClass, true);
      if (declared != Void.class) {
        response(operationId, declared);
      } else {
        dataType(method.getGenericReturnType()).ifPresent(t -> response(operationId, t));
      }
      int status = on != null && on.status() != 200 ? on.status() : onClass != null ? onClass.status() : 200;
      if (status != 200) {
        status(operationId, status);
      }
      Class<?> body = declared(on, onClass, false);
      if (body != Void.class) {
        request(operationId, body);
      }
      return this;
    }

    private static Class<?> declared(Monetized on, Monetized onClass, boolean response) {
      for (Monetized m : new Monetized[] {on, onClass}) {
        if (m != null && (response ? m.response() : m.request()) != Void.class) {
          return response ? m.response() : m.request();
        }
      }
      return Void.class;
    }

    /** The JSON data type a handler returns, if it says one. */
    private static Optional<Type> dataType(Type t) {
      if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
          && raw.getName().equals("org.springframework.http.ResponseEntity")) {
        return dataType(p.getActualTypeArguments()[0]);
      }
      Class<?> raw = t instanceof Class<?> c ? c : t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c
          ? c : null;
      if (raw == null || raw == void.class || raw == Void.class || raw == Object.class || raw == byte[].class
          || CharSequence.class.isAssignableFrom(raw) || java.io.InputStream.class.isAssignableFrom(raw)
          || raw.getName().startsWith("jakarta.ws.rs.") || raw.getName().startsWith("org.springframework.")
          || raw.getName().startsWith("java.util.concurrent.")) {
        return Optional.empty();
      }
      return Optional.of(t);
    }

    /** The types. */
    public ApiSchemas build() {
      return new ApiSchemas(mapper, responses, requests, examples, statuses);
    }
  }
}
