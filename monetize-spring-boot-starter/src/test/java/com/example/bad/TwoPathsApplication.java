package com.example.bad;

import dev.monetize.Monetized;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A monetized handler on two paths: which one has the price? The start fails and says so. */
@SpringBootApplication
public class TwoPathsApplication {
  /** The handler. */
  @RestController
  public static class Ambiguous {
    /** One handler, two routes. */
    @GetMapping({"/v1/a", "/v1/b"})
    @Monetized(id = "ambiguous", scope = "hello:read")
    public String both() {
      return "either";
    }
  }
}
