package dev.monetize.docs;

// tag::journal[]
import dev.monetize.Monetize;
import dev.monetize.MonetizeBuilder;
import dev.monetize.metering.FsyncPolicy;
import java.nio.file.Path;
// end::journal[]

/** docs/metering.md: the usage journal. */
final class JournalSetup {
  private JournalSetup() {}

  static MonetizeBuilder[] builders() {
    // tag::journal[]
    MonetizeBuilder everySecond = Monetize.builder().usageJournal(Path.of("/var/lib/analytics/monetize")); // fsync every second
    Path dir = Path.of("/var/lib/analytics/monetize-strict");
    MonetizeBuilder eachCall = Monetize.builder().usageJournal(dir, FsyncPolicy.always()); // or never(), every(Duration)
    // end::journal[]
    return new MonetizeBuilder[] {everySecond, eachCall};
  }
}
