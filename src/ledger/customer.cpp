// A borrower's delinquency across their loans (docs/lending.md, "Customer delinquency").
#include <algorithm>
#include <optional>
#include <string>

#include "ledger/aging.h"
#include "ledger/ledger.h"
#include "ledger/posting.h"

namespace credo::ledger {

Result<CustomerDelinquency> Ledger::GetCustomerDelinquency(const std::string& customer_id) {
  if (customer_id.empty()) return Status::Invalid("a customer id is required", "customer");
  CREDO_ASSIGN_OR_RETURN(const std::vector<int64_t> ids, store_.LoansOfCustomer(customer_id));
  if (ids.empty()) return Status::NotFound("customer '" + customer_id + "' has no loans", "customer");
  CustomerDelinquency view;
  view.customer_id = customer_id;
  for (const int64_t id : ids) {
    CREDO_ASSIGN_OR_RETURN(std::optional<LoanRecord> loan, store_.LoadLoan(id));
    if (!loan) return Status::Internal("loan " + std::to_string(id) + " vanished");
    ++view.loans;
    if (loan->status != LoanStatus::kActive) continue;
    ++view.active_loans;
    view.outstanding_principal_fen += PrincipalOwedFen(*loan);
    CREDO_ASSIGN_OR_RETURN(const std::optional<LoanAging> aging, store_.LoadAging(id));
    if (aging) view.dpd_days = std::max(view.dpd_days, aging->dpd_days);
  }
  view.bucket = BucketName(BucketOfDpd(view.dpd_days));
  return view;
}

}  // namespace credo::ledger
