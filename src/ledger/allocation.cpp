#include "ledger/allocation.h"

#include <algorithm>

namespace credo::ledger {

const std::vector<lending::DueComponent>& DefaultAllocationOrder() {
  static const std::vector<lending::DueComponent> kOrder = {
      lending::DueComponent::kPenalty, lending::DueComponent::kFee, lending::DueComponent::kInterest,
      lending::DueComponent::kPrincipal};
  return kOrder;
}

Allocation AllocatePayment(std::vector<LoanInstallment>& installments, int64_t amount_fen,
                           const std::vector<lending::DueComponent>& order) {
  Allocation split;
  int64_t left = amount_fen;
  for (LoanInstallment& i : installments) {
    for (lending::DueComponent component : order) {
      if (left == 0) break;
      int64_t* paid = nullptr;
      int64_t* total = nullptr;
      int64_t owed = 0;
      switch (component) {
        case lending::DueComponent::kPenalty:
          owed = i.penalty_owed_fen(), paid = &i.penalty_paid_fen, total = &split.penalty_fen;
          break;
        case lending::DueComponent::kFee:
          owed = i.fee_owed_fen(), paid = &i.fee_paid_fen, total = &split.fee_fen;
          break;
        case lending::DueComponent::kInterest:
          owed = i.interest_owed_fen(), paid = &i.interest_paid_fen, total = &split.interest_fen;
          break;
        case lending::DueComponent::kPrincipal:
          owed = i.principal_owed_fen(), paid = &i.principal_paid_fen, total = &split.principal_fen;
          break;
      }
      const int64_t pay = std::min(left, owed);
      *paid += pay;
      *total += pay;
      left -= pay;
    }
  }
  split.overpayment_fen = left;
  return split;
}

}  // namespace credo::ledger
