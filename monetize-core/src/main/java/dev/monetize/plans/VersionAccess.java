package dev.monetize.plans;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Versions of a route that open it wider than its current version: a deprecated operation that a
 * plan may call while the operation that replaces it (its successor, or the current version of the
 * same route chosen by {@code Api-Version}) refuses that plan. A caller on that plan reaches the route
 * by asking for the old version. Often a mistake (the restriction was added to the new version
 * only), sometimes meant: said, not refused.
 */
final class VersionAccess {
  private VersionAccess() {
  }

  static List<String> warnings(Catalog catalog) {
    List<String> out = new ArrayList<>();
    for (Operation old : catalog.operations()) {
      if (old.lifecycle().isEmpty()) {
        continue; // only a version on its way out is the older one
      }
      Set<Operation> newer = new LinkedHashSet<>();
      old.lifecycle().flatMap(Lifecycle::successor).flatMap(catalog::operation).ifPresent(newer::add);
      if (old.versionByHeader()) {
        for (Operation o : catalog.operations()) {
          if (o != old && o.versionByHeader() && o.lifecycle().isEmpty() && o.method().equals(old.method())
              && o.pathTemplate().equals(old.pathTemplate())) {
            newer.add(o);
          }
        }
      }
      for (Operation next : newer) {
        List<String> wider = catalog.plans().stream().filter(p -> catalog.allows(p, old) && !catalog.allows(p, next))
            .map(Plan::name).toList();
        if (!wider.isEmpty()) {
          out.add("operation '" + old.id() + "' (deprecated" + old.version().map(v -> ", version " + v).orElse("")
              + ") admits plans " + wider + " that '" + next.id() + "', which replaces it, refuses: a caller on "
              + "them reaches " + old.method() + " " + old.pathTemplate() + " through the old version; give it the "
              + "same minimum_plan and scope unless that is meant");
        }
      }
    }
    return List.copyOf(out);
  }
}
