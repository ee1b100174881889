// ledger/eod.h — what the end-of-day batch (日终, Ledger::RunEndOfDay)
// charges and what it reports (docs/lending.md, "End of day").
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "core/civil_date.h"
#include "lending/product.h"

namespace credo::ledger {

// The overdue terms the batch applies to a loan.
struct EodPolicy {
  // Annual penalty interest on overdue principal. The default, 18% a year,
  // is 0.05% a day on a 360-day year.
  int64_t penalty_rate_bps = 1800;
  int grace_days = 0;         // days after a due date before it counts as overdue
  int day_count_basis = 360;  // days a year for the daily penalty: 360 or 365
};

// The product's penalty rate, grace days and day-count basis.
EodPolicy PolicyOf(const lending::Product& product);

// The policy of each loan: by its product's name, else the default (plain
// loans, and products the batch was not given).
struct EodPolicies {
  EodPolicy default_policy;
  std::map<std::string, EodPolicy> by_product;
  const EodPolicy& For(const std::string& product) const;
};

// What one call of RunEndOfDay did.
struct EodSummary {
  CivilDate business_date;
  bool already_done = false;  // the date had completed before: nothing was posted
  bool resumed = false;       // the call finished a run a crash had stopped midway
  int64_t loans_processed = 0;  // loans with something due or past due: the rest had no work
  int64_t interest_fen = 0;                       // recognised: Dr interest_receivable / Cr interest_income
  int64_t fee_fen = 0;                            // recognised: Dr fee_receivable / Cr fee_income
  int64_t penalty_fen = 0;                        // charged: Dr penalty_receivable / Cr penalty_income
  std::map<std::string, int64_t> events_by_kind;  // "due_soon", "became_overdue", "bucket_changed"
  // Every active loan by its bucket after the run, indexed by Bucket (M0 ... M4+).
  std::array<int64_t, 5> loans_by_bucket{};
};

}  // namespace credo::ledger
