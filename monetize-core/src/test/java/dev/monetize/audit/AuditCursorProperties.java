package dev.monetize.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/** Cursors open to the position they sealed, say nothing of it, and anything else is refused. */
class AuditCursorProperties {
  private final AuditCursor cursors = AuditCursor.withRandomKey();

  @Property(tries = 500)
  void aSealedPositionOpensToItselfAndShowsNoNumber(@ForAll @LongRange(min = 0) long position) {
    String cursor = cursors.seal(position);
    assertThat(cursors.open(cursor)).isEqualTo(position);
    assertThat(cursor).hasSize(22).matches("[A-Za-z0-9_-]+");
    // consecutive positions give unrelated cursors: their difference tells nothing
    assertThat(cursors.seal(position == Long.MAX_VALUE ? position - 1 : position + 1)).isNotEqualTo(cursor);
  }

  @Property(tries = 500)
  void anythingElseIsRefused(@ForAll @StringLength(max = 40) String text) {
    try {
      long position = cursors.open(text);
      assertThat(cursors.seal(position)).isEqualTo(text); // only a real cursor opens (2^-64 otherwise)
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessage("cursor: a value from next_cursor");
    }
  }

  @Property(tries = 100)
  void anotherStoresCursorIsRefused(@ForAll @LongRange(min = 0, max = 1_000_000) long position) {
    String theirs = AuditCursor.withRandomKey().seal(position);
    assertThatThrownBy(() -> cursors.open(theirs)).isInstanceOf(IllegalArgumentException.class);
    assertThat(AuditCursor.withKey(new byte[16]).open(AuditCursor.withKey(new byte[16]).seal(position)))
        .as("one key, several processes").isEqualTo(position);
  }
}
