package dev.monetize.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.AlphaChars;

/** Merging a {@code Vary} value into what a response holds keeps every member once, in order. */
class HeaderMergeProperties {
  @Property
  void everyMemberOnceFirstSeenFirst(@ForAll @Size(min = 1, max = 5) List<@AlphaChars @StringLength(min = 1, max = 6) String> held,
      @ForAll @Size(min = 1, max = 5) List<@AlphaChars @StringLength(min = 1, max = 6) String> added) {
    List<String> distinct = new ArrayList<>(); // what a response holds already names each member once
    for (String h : held) {
      if (distinct.stream().noneMatch(d -> d.equalsIgnoreCase(h))) {
        distinct.add(h);
      }
    }
    String existing = String.join(", ", distinct);
    String merged = new Header("Vary", String.join(", ", added)).mergedWith(existing);

    List<String> members = Arrays.stream(merged.split(",")).map(String::strip).toList();
    Set<String> expected = new LinkedHashSet<>();
    List<String> all = new ArrayList<>(distinct);
    all.addAll(added);
    for (String m : all) {
      if (expected.stream().noneMatch(e -> e.equalsIgnoreCase(m))) {
        expected.add(m);
      }
    }
    assertThat(members).containsExactlyElementsOf(expected);
    assertThat(new Header("Vary", String.join(", ", added)).mergedWith(merged)).isEqualTo(merged); // idempotent
    assertThat(members.stream().map(m -> m.toLowerCase(Locale.ROOT)).distinct().count()).isEqualTo(members.size());
  }
}
