package dev.monetize.billing.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.billing.PriceModel;
import java.math.BigDecimal;
import java.util.Locale;

/** A price model for readers: a sentence for the pricing page, and the plans file's form for OpenAPI. */
public final class PriceText {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PriceText() {}

  /** E.g. {@code 1,000 calls included, then 0.002 USD per call up to 10,000, 0.001 USD after}. */
  public static String describe(PriceModel model, String currency, String unit) {
    String one = singular(unit);
    StringBuilder sb = new StringBuilder();
    if (model.included() > 0) {
      sb.append(count(model.included())).append(' ').append(unit).append(" included, then ");
    }
    if (model instanceof PriceModel.Flat f) {
      sb.append(money(f.fee(), currency)).append(" per period");
    } else if (model instanceof PriceModel.PerUnit p) {
      sb.append(money(p.unitPrice(), currency)).append(" per ").append(p.per() == 1 ? one : count(p.per()) + " " + unit);
    } else if (model instanceof PriceModel.Package p) {
      sb.append(money(p.packagePrice(), currency)).append(" per started package of ").append(count(p.size()))
          .append(' ').append(unit);
    } else if (model instanceof PriceModel.Graduated g) {
      tiers(sb.append("each ").append(one).append(" at its tier: "), g.tiers(), currency, one);
    } else if (model instanceof PriceModel.Volume v) {
      tiers(sb.append("every ").append(one).append(" at the tier of the total: "), v.tiers(), currency, one);
    }
    return sb.toString();
  }

  private static StringBuilder tiers(StringBuilder sb, java.util.List<PriceModel.Tier> tiers, String currency,
      String one) {
    for (int i = 0; i < tiers.size(); i++) {
      PriceModel.Tier t = tiers.get(i);
      sb.append(i == 0 ? "" : ", ").append(money(t.unitPrice(), currency)).append(" per ").append(one);
      if (t.flatFee().signum() > 0) {
        sb.append(" + ").append(money(t.flatFee(), currency));
      }
      sb.append(t.upTo().map(u -> " up to " + count(u)).orElse(i == 0 ? "" : " beyond"));
    }
    return sb;
  }

  /** The model as the plans file writes it ({@code {model: graduated, included: ..., tiers: [...]}}). */
  public static ObjectNode json(PriceModel model) {
    ObjectNode n = JSON.createObjectNode();
    if (model instanceof PriceModel.Flat f) {
      n.put("model", "flat").put("amount", plain(f.fee()));
    } else if (model instanceof PriceModel.PerUnit p) {
      n.put("model", "per_unit").put("unit", plain(p.unitPrice()));
      if (p.per() != 1) {
        n.put("per", p.per());
      }
    } else if (model instanceof PriceModel.Package p) {
      n.put("model", "package").put("size", p.size()).put("amount", plain(p.packagePrice()));
    } else if (model instanceof PriceModel.Graduated g) {
      tiers(n.put("model", "graduated").putArray("tiers"), g.tiers());
    } else if (model instanceof PriceModel.Volume v) {
      tiers(n.put("model", "volume").putArray("tiers"), v.tiers());
    }
    if (model.included() > 0) {
      n.put("included", model.included());
    }
    return n;
  }

  private static void tiers(ArrayNode out, java.util.List<PriceModel.Tier> tiers) {
    for (PriceModel.Tier t : tiers) {
      ObjectNode tn = out.addObject();
      t.upTo().ifPresent(u -> tn.put("up_to", u));
      tn.put("unit", plain(t.unitPrice()));
      if (t.flatFee().signum() > 0) {
        tn.put("flat", plain(t.flatFee()));
      }
    }
  }

  private static String singular(String unit) {
    return unit.equals("calls") ? "call" : unit;
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String money(BigDecimal amount, String currency) {
    return plain(amount) + " " + currency;
  }

  private static String plain(BigDecimal amount) {
    return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
  }
}
