// ledger/aging.h — how late a loan is: days past due (DPD) and the
// delinquency bucket (M0 current, M1 1–30, M2 31–60, M3 61–90, M4+ over 90).
#pragma once

#include <cstdint>

#include "core/civil_date.h"
#include "ledger/records.h"

namespace credo::ledger {

// Delinquency buckets by days past due.
enum class Bucket { kM0, kM1, kM2, kM3, kM4Plus };

// "M0", "M1", "M2", "M3", "M4+".
const char* BucketName(Bucket bucket);
// The bucket of `dpd_days` (>= 0): 0 -> M0, 1–30 -> M1, 31–60 -> M2, 61–90 -> M3, over 90 -> M4+.
Bucket BucketOfDpd(int dpd_days);

// Days installment `i` is past due on `date`: the days after its due date
// plus `grace_days`, while anything of it is still owed; 0 otherwise.
// (Due 02-15, grace 0: 1 on 02-16. Grace 3: 0 until 02-18, then 1 on 02-19.)
int InstallmentDpd(const LoanInstallment& i, CivilDate date, int grace_days);

// A loan's DPD on `date`: that of its oldest unpaid installment past due.
int LoanDpd(const LoanRecord& loan, CivilDate date, int grace_days);

}  // namespace credo::ledger
