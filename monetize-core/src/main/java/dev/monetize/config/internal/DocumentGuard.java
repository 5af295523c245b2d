package dev.monetize.config.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.config.ConfigException;
import java.io.IOException;

/**
 * What a plans file must not hold because the parser would read it otherwise than its author meant:
 * checked on the parser's tokens before the document is read.
 */
public final class DocumentGuard {
  /** A number written otherwise than in plain decimal: YAML 1.1 reads {@code 010} as 8 and {@code 0x10} as 16. */
  private static final java.util.regex.Pattern NOT_DECIMAL =
      java.util.regex.Pattern.compile("[-+]?(0[0-9_]|0[xXoObB]|[0-9.]*_).*");

  private DocumentGuard() {}

  /**
   * Refuses what the parser would read otherwise than its author meant, before it is read: a YAML
   * alias (Jackson reads {@code *name} as the text "name"), a number with a leading zero, a base
   * prefix or a {@code _} (YAML 1.1 reads {@code 010} as 8), and a second document or value after
   * the first (read as if it were not there).
   */
  public static void refuseWhatReadsWrong(String sourceName, ObjectMapper mapper, byte[] document) throws IOException {
    try (com.fasterxml.jackson.core.JsonParser p = mapper.getFactory().createParser(document)) {
      int depth = 0;
      boolean rootDone = false;
      for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        String at = " (line " + p.currentLocation().getLineNr() + ")";
        if (rootDone) {
          throw new ConfigException(sourceName, "", "holds more than one document" + at
              + "; put the whole catalog in one (no second '---')");
        }
        if (p instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser y
            && (y.isCurrentAlias() || y.getObjectId() != null)) {
          throw new ConfigException(sourceName, "", "YAML anchors and aliases (&name, *name) are not supported" + at
              + "; write the value out where it is used");
        }
        if ((t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT || t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_FLOAT)
            && NOT_DECIMAL.matcher(p.getText()).matches()) {
          throw new ConfigException(sourceName, "", "the number " + p.getText() + at + " is not plain decimal (YAML "
              + "reads a leading 0 as octal); write it without a leading zero, base prefix or '_'");
        }
        if (t.isStructStart()) {
          depth++;
        } else if (t.isStructEnd()) {
          depth--;
        }
        rootDone = depth == 0;
      }
    }
  }
}
