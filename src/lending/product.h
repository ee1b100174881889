// lending/product.h — a loan product: what a lender offers and on what
// terms, read from a YAML file (examples/products/, docs/lending.md).
//
// A product fixes the amounts and terms allowed, the repayment method, the
// interest rate range, the fees, the penalty rate and grace days, rounding,
// the repayment allocation order, the day-count basis and the APR cap.
// Loading validates every field and rejects a product whose worst offer
// (highest rate, every allowed term and amount bound) is above its cap.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "lending/rounding.h"
#include "lending/schedule.h"

namespace credo::lending {

// The three product forms.
enum class ProductKind {
  kGoodsInstallment,  // 商品分期: the customer buys goods at a merchant and pays in installments
  kCashLoan,          // 现金贷 / 信用分期: cash to the customer, repaid in installments
  kRevolvingLine,     // 循环额度: a credit limit drawn on many times, each draw its own plan
};

// "goods-installment", "cash-loan", "revolving-line".
const char* ProductKindName(ProductKind kind);

// What a repayment pays, in the order the allocation waterfall takes them.
enum class DueComponent { kPenalty, kFee, kInterest, kPrincipal };

// "penalty", "fee", "interest", "principal".
const char* DueComponentName(DueComponent component);

// The default APR cap: 24% a year, IRR method.
inline constexpr int64_t kDefaultAprCapBps = 2400;

// One product, as loaded and validated from its file.
struct Product {
  std::string name;          // identifier, [a-z0-9_-]
  std::string display_name;  // shown to people, e.g. 现金分期
  ProductKind kind = ProductKind::kCashLoan;
  RepaymentMethod method = RepaymentMethod::kEqualInstallment;
  int64_t min_amount_fen = 0;  // per loan, or per draw for a revolving line
  int64_t max_amount_fen = 0;
  std::vector<int> terms_months;  // the terms offered, ascending
  int64_t min_rate_bps = 0;       // nominal annual interest rate range
  int64_t max_rate_bps = 0;
  int64_t fee_per_period_bps = 0;     // flat fee each month, bps of the original principal
  int64_t upfront_fee_bps = 0;        // fee at disbursement, bps of principal
  int64_t merchant_discount_bps = 0;  // goods installment: paid by the merchant, bps of principal
  int64_t penalty_rate_bps = 0;       // annual penalty interest on overdue principal
  int grace_days = 0;                 // days after a due date before it counts as overdue
  RoundingMode rounding = RoundingMode::kHalfUp;
  std::vector<DueComponent> allocation_order = {DueComponent::kPenalty, DueComponent::kFee,
                                                DueComponent::kInterest, DueComponent::kPrincipal};
  int day_count_basis = 360;  // days a year for daily accrual: 360 or 365
  int64_t apr_cap_bps = kDefaultAprCapBps;
  int64_t max_credit_limit_fen = 0;  // revolving line: the largest limit; 0 for other kinds
};

// Parses and validates a product from YAML text. `source` names the text in
// errors, which read "source:line:column: field 'amount.min': ...".
Result<Product> ParseProduct(std::string_view yaml_text, const std::string& source);

// Reads and parses the product file at `path`.
Result<Product> LoadProductFile(const std::string& path);

}  // namespace credo::lending
