package com.example;

// tag::resource[]
import dev.monetize.jaxrs.MonetizeContext;
import dev.monetize.Monetized;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

@Path("/api/report")
public class ReportResource {
  @GET
  @Produces("application/json")
  @Monetized(id = "report", scope = "reports:read", price = "0.002")
  public String report() {
    String customer = MonetizeContext.current().orElseThrow().principal().customerId(); // whose data
    return "{\"customer\":\"" + customer + "\",\"rows\":42}";
  }

  @POST // not monetized: on a monetized path it answers 405, never runs for free
  public String recompute() {
    return "recomputed";
  }
}
// end::resource[]
