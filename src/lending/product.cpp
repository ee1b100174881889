#include "lending/product.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "core/money.h"
#include "lending/enum_names.h"
#include "lending/offer.h"

namespace credo::lending {
namespace {

// Reads typed fields from the YAML tree; every error names the source, the
// line and column, and the dotted field.
class FieldReader {
 public:
  explicit FieldReader(std::string source) : source_(std::move(source)) {}

  std::string Where(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return source_;
    return source_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }

  Status Error(const YAML::Node& node, const std::string& field, const std::string& why) const {
    return Status::Invalid("field '" + field + "': " + why, Where(node));
  }

  // `map` must be a mapping whose keys are all in `allowed`.
  Status ExpectMap(const YAML::Node& map, const std::string& field,
                   std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) return Error(map, field, "must be a mapping of keys to values");
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string names;
        for (std::string_view name : allowed) names += (names.empty() ? "" : ", ") + std::string(name);
        return Error(entry.first, Join(field, key), "unknown field (known: " + names + ")");
      }
    }
    return Status::Ok();
  }

  Result<YAML::Node> Required(const YAML::Node& map, const std::string& parent,
                              const std::string& key) const {
    YAML::Node node = map[key];
    if (!node || node.IsNull()) return Error(map, Join(parent, key), "is required");
    return node;
  }

  Result<std::string> Text(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar() || node.Scalar().empty()) return Error(node, field, "must be a non-empty text");
    return node.Scalar();
  }

  Result<int64_t> Integer(const YAML::Node& node, const std::string& field, int64_t min, int64_t max) const {
    if (!node.IsScalar()) return Error(node, field, "must be a whole number");
    const std::string& text = node.Scalar();
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      return Error(node, field, "'" + text + "' is not a whole number");
    }
    if (value < min || value > max) {
      return Error(node, field,
                   std::to_string(value) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
    }
    return value;
  }

  Result<int64_t> Money(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar()) return Error(node, field, "must be an amount such as \"2700.00\"");
    Result<int64_t> fen = ParseMoneyFen(node.Scalar());
    if (!fen.ok()) return Error(node, field, fen.status().message());
    if (*fen <= 0 || *fen > kMaxPrincipalFen) {
      return Error(node, field, "must be more than 0 and at most " + FormatMoneyFen(kMaxPrincipalFen, true));
    }
    return *fen;
  }

  // Parses a name with `parse` (ParseRoundingMode, ParseRepaymentMethod, ...).
  template <class Enum>
  Result<Enum> Name(const YAML::Node& node, const std::string& field,
                    Result<Enum> (*parse)(std::string_view)) const {
    CREDO_ASSIGN_OR_RETURN(std::string text, Text(node, field));
    Result<Enum> parsed = parse(text);
    if (!parsed.ok()) return Error(node, field, parsed.status().message());
    return parsed.value();
  }

  static std::string Join(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
  }

 private:
  std::string source_;
};

Result<ProductKind> ParseProductKind(std::string_view text) {
  return ParseEnumName(text,
                       {ProductKind::kGoodsInstallment, ProductKind::kCashLoan, ProductKind::kRevolvingLine},
                       ProductKindName, "product kind");
}

Result<DueComponent> ParseDueComponent(std::string_view text) {
  return ParseEnumName(
      text, {DueComponent::kPenalty, DueComponent::kFee, DueComponent::kInterest, DueComponent::kPrincipal},
      DueComponentName, "component");
}

bool ValidName(const std::string& name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Result<Product> ReadProduct(const YAML::Node& root, const FieldReader& in) {
  CREDO_RETURN_IF_ERROR(
      in.ExpectMap(root, "",
                   {"name", "display_name", "kind", "repayment_method", "amount", "terms_months",
                    "interest_rate_bps", "fees", "merchant_discount_bps", "penalty_rate_bps", "grace_days",
                    "rounding", "allocation_order", "day_count_basis", "apr_cap_bps", "credit_line"}));
  Product p;
  CREDO_ASSIGN_OR_RETURN(YAML::Node name, in.Required(root, "", "name"));
  CREDO_ASSIGN_OR_RETURN(p.name, in.Text(name, "name"));
  if (!ValidName(p.name)) return in.Error(name, "name", "use lower-case letters, digits, '_' and '-'");
  p.display_name = p.name;
  if (root["display_name"]) {
    CREDO_ASSIGN_OR_RETURN(p.display_name, in.Text(root["display_name"], "display_name"));
  }
  CREDO_ASSIGN_OR_RETURN(YAML::Node kind, in.Required(root, "", "kind"));
  CREDO_ASSIGN_OR_RETURN(p.kind, in.Name(kind, "kind", ParseProductKind));
  CREDO_ASSIGN_OR_RETURN(YAML::Node method, in.Required(root, "", "repayment_method"));
  CREDO_ASSIGN_OR_RETURN(p.method, in.Name(method, "repayment_method", ParseRepaymentMethod));

  CREDO_ASSIGN_OR_RETURN(YAML::Node amount, in.Required(root, "", "amount"));
  CREDO_RETURN_IF_ERROR(in.ExpectMap(amount, "amount", {"min", "max"}));
  CREDO_ASSIGN_OR_RETURN(YAML::Node amount_min, in.Required(amount, "amount", "min"));
  CREDO_ASSIGN_OR_RETURN(YAML::Node amount_max, in.Required(amount, "amount", "max"));
  CREDO_ASSIGN_OR_RETURN(p.min_amount_fen, in.Money(amount_min, "amount.min"));
  CREDO_ASSIGN_OR_RETURN(p.max_amount_fen, in.Money(amount_max, "amount.max"));
  if (p.max_amount_fen < p.min_amount_fen)
    return in.Error(amount_max, "amount.max", "is less than amount.min");

  CREDO_ASSIGN_OR_RETURN(YAML::Node terms, in.Required(root, "", "terms_months"));
  if (!terms.IsSequence() || terms.size() == 0) {
    return in.Error(terms, "terms_months", "must be a list of terms in months, such as [3, 6, 12]");
  }
  for (size_t i = 0; i < terms.size(); ++i) {
    const std::string field = "terms_months[" + std::to_string(i) + "]";
    CREDO_ASSIGN_OR_RETURN(int64_t term, in.Integer(terms[i], field, 1, kMaxTermMonths));
    if (!p.terms_months.empty() && term <= p.terms_months.back()) {
      return in.Error(terms[i], field, "terms must be listed in increasing order, each once");
    }
    p.terms_months.push_back(static_cast<int>(term));
  }

  // A single number fixes the rate; a mapping gives a range.
  CREDO_ASSIGN_OR_RETURN(YAML::Node rate, in.Required(root, "", "interest_rate_bps"));
  if (rate.IsScalar()) {
    CREDO_ASSIGN_OR_RETURN(p.min_rate_bps, in.Integer(rate, "interest_rate_bps", 0, kMaxAnnualRateBps));
    p.max_rate_bps = p.min_rate_bps;
  } else {
    CREDO_RETURN_IF_ERROR(in.ExpectMap(rate, "interest_rate_bps", {"min", "max"}));
    CREDO_ASSIGN_OR_RETURN(YAML::Node rate_min, in.Required(rate, "interest_rate_bps", "min"));
    CREDO_ASSIGN_OR_RETURN(YAML::Node rate_max, in.Required(rate, "interest_rate_bps", "max"));
    CREDO_ASSIGN_OR_RETURN(p.min_rate_bps,
                           in.Integer(rate_min, "interest_rate_bps.min", 0, kMaxAnnualRateBps));
    CREDO_ASSIGN_OR_RETURN(p.max_rate_bps,
                           in.Integer(rate_max, "interest_rate_bps.max", 0, kMaxAnnualRateBps));
    if (p.max_rate_bps < p.min_rate_bps) {
      return in.Error(rate_max, "interest_rate_bps.max", "is less than interest_rate_bps.min");
    }
  }
  if (p.method == RepaymentMethod::kFlatFee && p.max_rate_bps != 0) {
    return in.Error(rate, "interest_rate_bps", "must be 0: flat-fee installments carry no interest");
  }

  if (const YAML::Node fees = root["fees"]) {
    CREDO_RETURN_IF_ERROR(in.ExpectMap(fees, "fees", {"per_period_bps", "upfront_bps"}));
    if (fees["per_period_bps"]) {
      CREDO_ASSIGN_OR_RETURN(p.fee_per_period_bps, in.Integer(fees["per_period_bps"], "fees.per_period_bps",
                                                              0, kMaxAnnualRateBps / 12));
    }
    if (fees["upfront_bps"]) {
      CREDO_ASSIGN_OR_RETURN(p.upfront_fee_bps, in.Integer(fees["upfront_bps"], "fees.upfront_bps", 0, 9999));
    }
  }
  if (const YAML::Node discount = root["merchant_discount_bps"]) {
    CREDO_ASSIGN_OR_RETURN(p.merchant_discount_bps, in.Integer(discount, "merchant_discount_bps", 0, 9999));
    if (p.merchant_discount_bps != 0 && p.kind != ProductKind::kGoodsInstallment) {
      return in.Error(discount, "merchant_discount_bps", "only a goods-installment product has a merchant");
    }
  }
  if (const YAML::Node penalty = root["penalty_rate_bps"]) {
    CREDO_ASSIGN_OR_RETURN(p.penalty_rate_bps, in.Integer(penalty, "penalty_rate_bps", 0, kMaxAnnualRateBps));
  }
  if (const YAML::Node grace = root["grace_days"]) {
    CREDO_ASSIGN_OR_RETURN(int64_t days, in.Integer(grace, "grace_days", 0, 90));
    p.grace_days = static_cast<int>(days);
  }
  if (const YAML::Node rounding = root["rounding"]) {
    CREDO_ASSIGN_OR_RETURN(p.rounding, in.Name(rounding, "rounding", ParseRoundingMode));
  }
  if (const YAML::Node order = root["allocation_order"]) {
    if (!order.IsSequence() || order.size() != 4) {
      return in.Error(order, "allocation_order", "must list penalty, fee, interest and principal, each once");
    }
    p.allocation_order.clear();
    for (size_t i = 0; i < order.size(); ++i) {
      const std::string field = "allocation_order[" + std::to_string(i) + "]";
      CREDO_ASSIGN_OR_RETURN(DueComponent component, in.Name(order[i], field, ParseDueComponent));
      if (std::find(p.allocation_order.begin(), p.allocation_order.end(), component) !=
          p.allocation_order.end()) {
        return in.Error(order[i], field, "'" + order[i].Scalar() + "' is listed twice");
      }
      p.allocation_order.push_back(component);
    }
  }
  if (const YAML::Node basis = root["day_count_basis"]) {
    CREDO_ASSIGN_OR_RETURN(int64_t days, in.Integer(basis, "day_count_basis", 360, 365));
    if (days != 360 && days != 365) return in.Error(basis, "day_count_basis", "must be 360 or 365");
    p.day_count_basis = static_cast<int>(days);
  }
  if (const YAML::Node cap = root["apr_cap_bps"]) {
    CREDO_ASSIGN_OR_RETURN(p.apr_cap_bps, in.Integer(cap, "apr_cap_bps", 1, kMaxAnnualRateBps));
  }

  const YAML::Node line = root["credit_line"];
  if (p.kind == ProductKind::kRevolvingLine) {
    CREDO_ASSIGN_OR_RETURN(YAML::Node required_line, in.Required(root, "", "credit_line"));
    CREDO_RETURN_IF_ERROR(in.ExpectMap(required_line, "credit_line", {"max_limit"}));
    CREDO_ASSIGN_OR_RETURN(YAML::Node max_limit, in.Required(required_line, "credit_line", "max_limit"));
    CREDO_ASSIGN_OR_RETURN(p.max_credit_limit_fen, in.Money(max_limit, "credit_line.max_limit"));
    if (p.max_credit_limit_fen < p.min_amount_fen) {
      return in.Error(max_limit, "credit_line.max_limit", "is less than amount.min: no draw could fit");
    }
  } else if (line) {
    return in.Error(line, "credit_line", "only a revolving-line product has a credit line");
  }

  if (Status cap = CheckProductUnderCap(p); !cap.ok()) {
    return in.Error(rate, "interest_rate_bps", cap.message());
  }
  return p;
}

}  // namespace

const char* ProductKindName(ProductKind kind) {
  switch (kind) {
    case ProductKind::kGoodsInstallment:
      return "goods-installment";
    case ProductKind::kCashLoan:
      return "cash-loan";
    case ProductKind::kRevolvingLine:
      return "revolving-line";
  }
  return "?";
}

const char* DueComponentName(DueComponent component) {
  switch (component) {
    case DueComponent::kPenalty:
      return "penalty";
    case DueComponent::kFee:
      return "fee";
    case DueComponent::kInterest:
      return "interest";
    case DueComponent::kPrincipal:
      return "principal";
  }
  return "?";
}

Result<Product> ParseProduct(std::string_view yaml_text, const std::string& source) {
  FieldReader reader(source);
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    if (!root.IsMap()) return Status::Invalid("a product file must be a YAML mapping of fields", source);
    return ReadProduct(root, reader);
  } catch (const YAML::Exception& e) {
    const std::string where = e.mark.is_null() ? source
                                               : source + ":" + std::to_string(e.mark.line + 1) + ":" +
                                                     std::to_string(e.mark.column + 1);
    return Status::Invalid("not valid YAML: " + e.msg, where);
  }
}

Result<Product> LoadProductFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read the product file", path);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseProduct(text.str(), path);
}

}  // namespace credo::lending
