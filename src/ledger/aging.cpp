#include "ledger/aging.h"

#include <algorithm>

namespace credo::ledger {

const char* BucketName(Bucket bucket) {
  switch (bucket) {
    case Bucket::kM0:
      return "M0";
    case Bucket::kM1:
      return "M1";
    case Bucket::kM2:
      return "M2";
    case Bucket::kM3:
      return "M3";
    case Bucket::kM4Plus:
      return "M4+";
  }
  return "?";
}

Bucket BucketOfDpd(int dpd_days) {
  if (dpd_days <= 0) return Bucket::kM0;
  if (dpd_days <= 30) return Bucket::kM1;
  if (dpd_days <= 60) return Bucket::kM2;
  if (dpd_days <= 90) return Bucket::kM3;
  return Bucket::kM4Plus;
}

int InstallmentDpd(const LoanInstallment& i, CivilDate date, int grace_days) {
  if (i.owed_fen() <= 0) return 0;
  return std::max(0, i.plan.due_date.AddDays(grace_days).DaysUntil(date));
}

int LoanDpd(const LoanRecord& loan, CivilDate date, int grace_days) {
  // Installments are in due-date order: the first one owing is the oldest.
  for (const LoanInstallment& i : loan.installments) {
    if (i.owed_fen() > 0) return InstallmentDpd(i, date, grace_days);
  }
  return 0;
}

}  // namespace credo::ledger
