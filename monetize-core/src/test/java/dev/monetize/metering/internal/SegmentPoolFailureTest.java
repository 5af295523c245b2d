package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment whose creation fails half-way (a full disk) leaves no file behind: the next try makes it,
 * instead of finding a broken one in its place for good (the stripe would never journal again).
 */
class SegmentPoolFailureTest {
  @TempDir
  Path dir;

  @Test
  void aFailedCreationLeavesNothingAndTheNextOneSucceeds() throws Exception {
    Path file = dir.resolve("usage-00-000000000000.seg");
    SegmentPool failing = new SegmentPool(dir, -1, 2); // the file is made, then mapping it fails
    assertThatThrownBy(() -> failing.create(file)).isInstanceOf(IllegalArgumentException.class);
    assertThat(file).doesNotExist();
    SegmentPool pool = new SegmentPool(dir, 64 << 10, 2);
    assertThat(pool.create(file).capacity()).isEqualTo(64 << 10);
    assertThat(Files.size(file)).isEqualTo(64 << 10);
  }
}
