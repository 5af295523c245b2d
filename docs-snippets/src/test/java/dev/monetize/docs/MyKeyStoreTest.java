package dev.monetize.docs;

// tag::testkit[]
import dev.monetize.keys.KeyStore;
import dev.monetize.testkit.KeyStoreContract;

class MyKeyStoreTest extends KeyStoreContract {
  private final MyDatabase db = MyDatabase.fresh();

  @Override
  protected KeyStore store() {
    return new MyKeyStore(db);
  }

  @Override
  protected KeyStore secondClientOfSameBackend(KeyStore first) {
    return new MyKeyStore(db); // what another JVM would see
  }
}
// end::testkit[]
