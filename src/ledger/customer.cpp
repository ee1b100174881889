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
  CREDO_ASSIGN_OR_RETURN(const std::vector<LoanRecord> loans, store_.LoadLoans(ids));
  CREDO_ASSIGN_OR_RETURN(const auto agings, store_.LoadAgings(ids));
  view.loans = static_cast<int64_t>(loans.size());
  for (const LoanRecord& loan : loans) {
    if (loan.status != LoanStatus::kActive) continue;
    ++view.active_loans;
    view.outstanding_principal_fen += PrincipalOwedFen(loan);
    const auto aging = agings.find(loan.id);
    if (aging != agings.end()) view.dpd_days = std::max(view.dpd_days, aging->second.dpd_days);
  }
  view.bucket = BucketName(BucketOfDpd(view.dpd_days));
  return view;
}

}  // namespace credo::ledger
