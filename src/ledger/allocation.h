// ledger/allocation.h — the repayment waterfall: how an amount paid is
// split over a loan's installments and their components.
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/records.h"
#include "lending/product.h"

namespace credo::ledger {

// How much of a payment went to each component, and what was left over.
struct Allocation {
  int64_t penalty_fen = 0;
  int64_t fee_fen = 0;
  int64_t interest_fen = 0;
  int64_t principal_fen = 0;
  int64_t overpayment_fen = 0;  // beyond everything owed: held as customer credit
};

// The default order: penalty, fee, interest, principal.
const std::vector<lending::DueComponent>& DefaultAllocationOrder();

// Pays `amount_fen` (> 0) into `installments`, oldest installment first and,
// within an installment, the components in `order`; raises their paid
// amounts and returns the split. What no installment owes is the overpayment.
Allocation AllocatePayment(std::vector<LoanInstallment>& installments, int64_t amount_fen,
                           const std::vector<lending::DueComponent>& order);

}  // namespace credo::ledger
