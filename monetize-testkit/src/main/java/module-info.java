/** The contracts every SPI implementation meets, as abstract JUnit 5 classes, and test helpers. */
module dev.monetize.testkit {
  requires transitive dev.monetize.core;
  requires transitive org.junit.jupiter.api;
  requires org.assertj.core;

  exports dev.monetize.testkit;
  // JUnit discovers and calls the contracts' test methods reflectively
  opens dev.monetize.testkit;
}
