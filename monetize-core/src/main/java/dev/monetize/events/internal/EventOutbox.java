package dev.monetize.events.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.billing.DeadLetterStore;
import dev.monetize.billing.UsageExport;
import dev.monetize.events.LifecycleEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle events on their way out: a bounded queue (10,000) drained by one background thread that
 * hands CloudEvents batches to the transport; what the transport does not take becomes a dead letter
 * (replayed as usage dead letters are). The request thread only enqueues.
 *
 * <p>Internal: configure it with {@code MonetizeBuilder.eventTransport}.
 */
public final class EventOutbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventOutbox.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String source;
  private final UsageExport.Transport transport;
  private final DeadLetterStore deadLetters;
  private final Consumer<LifecycleEvent> listener;
  private final BlockingQueue<LifecycleEvent> queue = new ArrayBlockingQueue<>(10_000);
  private final LongAdder dropped = new LongAdder();
  private final Thread worker;
  private volatile boolean running = true;

  /** An outbox sending to {@code transport} (none: events go to {@code listener} only). */
  public EventOutbox(String source, java.util.Optional<UsageExport.Transport> transport, DeadLetterStore deadLetters,
      Consumer<LifecycleEvent> listener) {
    this.source = source;
    this.transport = transport.orElse(null);
    this.deadLetters = deadLetters;
    this.listener = listener;
    this.worker = new Thread(this::run, "monetize-events");
    this.worker.setDaemon(true);
  }

  /**
   * Starts delivering, once the engine is built: what was published while it was being built (the
   * plan changes the first sweep applies, as many as came due while the engine was down) waits until
   * then, whatever its number, so a listener never meets an engine its caller does not hold yet.
   */
  public void start() {
    synchronized (this) {
      if (early == null) {
        return;
      }
      started = early; // the worker delivers them first: in the order they were published in
      early = null;
    }
    worker.start();
  }

  /** What is published before {@link #start}, in order; null once started. */
  private volatile List<LifecycleEvent> early = new ArrayList<>();
  /** What was published before {@link #start}, until the worker (or a flush) has delivered it. */
  private List<LifecycleEvent> started = new ArrayList<>();

  /** Delivers what was published before the start and is not delivered yet; under the outbox's lock. */
  private void deliverEarly() {
    List<LifecycleEvent> first = early != null ? early : started;
    for (int from = 0; from < first.size(); from += 100) {
      deliver(first.subList(from, Math.min(first.size(), from + 100)));
    }
    first.clear();
  }

  /** Queues {@code event}; never blocks (a full queue drops it, counted and logged). */
  public void publish(LifecycleEvent event) {
    if (early != null) { // only while the engine is built: no lock after
      synchronized (this) {
        if (early != null) {
          early.add(event);
          return;
        }
      }
    }
    if (queue.offer(event)) {
      java.util.concurrent.locks.LockSupport.unpark(worker);
    } else {
      dropped.increment();
      LOG.warn("lifecycle event queue full: {} dropped ({} so far)", event.type(), dropped.sum());
    }
  }

  /** Events dropped because the queue was full. */
  public long dropped() {
    return dropped.sum();
  }

  /**
   * Takes and delivers batches under the outbox's lock, so that {@link #flush} never returns while a
   * batch taken here is still on its way; parks while the queue is empty (woken by {@link #publish}).
   */
  private void run() {
    try {
      synchronized (this) {
        deliverEarly();
      }
    } catch (RuntimeException e) {
      LOG.warn("lifecycle event delivery: {}", e.toString());
    }
    while (running || !queue.isEmpty()) {
      try {
        boolean delivered;
        synchronized (this) {
          List<LifecycleEvent> batch = new ArrayList<>();
          queue.drainTo(batch, 100);
          delivered = !batch.isEmpty();
          if (delivered) {
            deliver(batch);
          }
        }
        if (!delivered) {
          java.util.concurrent.locks.LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
          if (Thread.currentThread().isInterrupted()) {
            return; // stopped: close() delivers what is left
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("lifecycle event delivery: {}", e.toString());
      }
    }
  }

  /** Delivers what is queued now, on the calling thread (for tests and shutdown). */
  public synchronized void flush() {
    deliverEarly();
    List<LifecycleEvent> batch = new ArrayList<>();
    queue.drainTo(batch);
    if (!batch.isEmpty()) {
      deliver(batch);
    }
  }

  private synchronized void deliver(List<LifecycleEvent> batch) {
    List<UsageExport.Event> events = new ArrayList<>(batch.size());
    for (LifecycleEvent e : batch) {
      try {
        listener.accept(e);
      } catch (RuntimeException ex) {
        LOG.warn("lifecycle event listener failed on {}: {}", e.type(), ex.toString());
      }
      events.add(new UsageExport.Event(e.id(), cloudEvent(e)));
    }
    if (transport == null) {
      return;
    }
    List<UsageExport.DeadLetter> dead;
    try {
      dead = transport.send(events);
    } catch (RuntimeException ex) {
      dead = events.stream().map(e -> new UsageExport.DeadLetter(e.id(), e.body(), "failed: " + ex)).toList();
    }
    if (!dead.isEmpty()) {
      deadLetters.add(dead);
      LOG.warn("{} lifecycle events not delivered; kept as dead letters", dead.size());
    }
  }

  /** The CloudEvents 1.0 JSON of {@code e}. */
  String cloudEvent(LifecycleEvent e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("specversion", "1.0");
    n.put("id", e.id());
    n.put("source", source);
    n.put("type", e.type());
    n.put("subject", e.subject());
    n.put("time", e.time().toString());
    n.put("datacontenttype", "application/json");
    n.set("data", JSON.valueToTree(e.data()));
    return n.toString();
  }

  @Override
  public void close() {
    running = false;
    java.util.concurrent.locks.LockSupport.unpark(worker);
    try {
      worker.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
