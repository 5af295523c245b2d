package dev.monetize.audit;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The page cursors of an audit store, opaque: a position in the store, sealed under the store's own
 * key (one AES block: the position and eight zero bytes). A cursor says nothing of the positions it
 * stands for, so two cursors of one organization's pages do not tell how many events other
 * organizations made between them, and a cursor forged or from another store is refused. Thread-safe.
 *
 * <pre>{@code
 * AuditCursor cursors = AuditCursor.withRandomKey();   // a store in one process
 * String next = cursors.seal(position);
 * long after = cursors.open(query.cursor().get());     // IllegalArgumentException when not one of ours
 * }</pre>
 */
public final class AuditCursor {
  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
  private final SecretKeySpec key;

  private AuditCursor(byte[] key) {
    if (key.length != 16) {
      throw new IllegalArgumentException("an audit cursor key is 16 bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  /** Cursors under a key drawn now: for a store whose cursors live as long as the process. */
  public static AuditCursor withRandomKey() {
    byte[] key = new byte[16];
    new SecureRandom().nextBytes(key);
    return new AuditCursor(key);
  }

  /** Cursors under {@code key} (16 bytes): for a store shared by several processes, which share the key. */
  public static AuditCursor withKey(byte[] key) {
    return new AuditCursor(key);
  }

  /** The cursor of {@code position}. */
  public String seal(long position) {
    byte[] block = ByteBuffer.allocate(16).putLong(position).array(); // then eight zero bytes
    return ENCODE.encodeToString(run(Cipher.ENCRYPT_MODE, block));
  }

  /**
   * The position {@code cursor} stands for.
   *
   * @throws IllegalArgumentException when it is not a cursor of this store ({@code cursor: a value from next_cursor})
   */
  public long open(String cursor) {
    byte[] sealed;
    try {
      sealed = DECODE.decode(cursor);
    } catch (IllegalArgumentException e) {
      sealed = new byte[0];
    }
    if (sealed.length != 16) {
      throw refused();
    }
    ByteBuffer block = ByteBuffer.wrap(run(Cipher.DECRYPT_MODE, sealed));
    long position = block.getLong();
    if (block.getLong() != 0 || position < 0) {
      throw refused();
    }
    return position;
  }

  private static IllegalArgumentException refused() {
    return new IllegalArgumentException("cursor: a value from next_cursor");
  }

  private byte[] run(int mode, byte[] block) {
    try {
      Cipher aes = Cipher.getInstance("AES/ECB/NoPadding"); // one block, never two alike: a permutation of positions
      aes.init(mode, key);
      return aes.doFinal(block);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES is missing from this JVM", e);
    }
  }
}
