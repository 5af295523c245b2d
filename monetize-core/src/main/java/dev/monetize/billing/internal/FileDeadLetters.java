package dev.monetize.billing.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.billing.DeadLetterStore;
import dev.monetize.billing.UsageExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead letters in one JSON-lines file ({@code dead-letters.jsonl}), rewritten whole on every
 * change through a temporary file that is forced to the disk and moved into place atomically, so a
 * crash leaves the old file or the new one. Without a directory, in memory only. Dead letters are
 * few (a provider's outage), so rewriting is cheap; the file is read once.
 */
public final class FileDeadLetters implements DeadLetterStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILE = "dead-letters.jsonl";

  private final Path file;
  private final Map<String, UsageExport.DeadLetter> letters = new LinkedHashMap<>();

  /** A store in {@code directory}, or in memory when it is null. */
  public FileDeadLetters(Path directory) {
    this.file = directory == null ? null : directory.resolve(FILE);
    if (file != null && Files.exists(file)) {
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            JsonNode n = JSON.readTree(line);
            UsageExport.DeadLetter d = new UsageExport.DeadLetter(n.path("id").asText(), n.path("event").asText(),
                n.path("reason").asText());
            letters.put(d.id(), d);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the dead letters in " + file, e);
      }
    }
  }

  @Override
  public synchronized void add(List<UsageExport.DeadLetter> added) {
    Map<String, UsageExport.DeadLetter> next = new LinkedHashMap<>(letters);
    added.forEach(d -> next.put(d.id(), d));
    write(next);
  }

  @Override
  public synchronized List<UsageExport.DeadLetter> list(int limit) {
    return letters.values().stream().limit(limit).toList();
  }

  @Override
  public synchronized void remove(Collection<String> ids) {
    Map<String, UsageExport.DeadLetter> next = new LinkedHashMap<>(letters);
    next.keySet().removeAll(ids);
    if (next.size() != letters.size()) {
      write(next);
    }
  }

  /** Writes {@code next} durably, then makes it the state (a failed write changes nothing). */
  private void write(Map<String, UsageExport.DeadLetter> next) {
    if (file != null) {
      try {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(FILE + ".tmp");
        List<String> lines = new ArrayList<>();
        for (UsageExport.DeadLetter d : next.values()) {
          ObjectNode n = JSON.createObjectNode().put("id", d.id()).put("event", d.event()).put("reason", d.reason());
          lines.add(JSON.writeValueAsString(n));
        }
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot keep dead letters in " + file, e);
      }
    }
    letters.clear();
    letters.putAll(next);
  }
}
