// Placeholders for the servicing operations declared in ledger.h while they
// are being written; each moves to its own file when implemented.
#include "ledger/ledger.h"

namespace credo::ledger {
namespace {
Status Pending(const char* what) { return Status::Internal(std::string(what) + " is not implemented yet"); }
}  // namespace

const char* PrepaymentModeName(PrepaymentMode mode) {
  switch (mode) {
    case PrepaymentMode::kPayoff:
      return "payoff";
    case PrepaymentMode::kShortenTerm:
      return "shorten-term";
    case PrepaymentMode::kLowerInstallment:
      return "lower-installment";
  }
  return "?";
}
Result<PrepaymentMode> ParsePrepaymentMode(std::string_view) { return Pending("ParsePrepaymentMode"); }
Result<PayoffQuote> Ledger::QuotePayoff(int64_t, CivilDate) { return Pending("QuotePayoff"); }
Result<PrepaymentResult> Ledger::Prepay(const PrepaymentRequest&) { return Pending("Prepay"); }
Result<ReversalResult> Ledger::ReverseRepayment(const ReversalRequest&) { return Pending("ReverseRepayment"); }
Result<WriteOffResult> Ledger::WriteOff(const WriteOffRequest&) { return Pending("WriteOff"); }
Result<CustomerDelinquency> Ledger::GetCustomerDelinquency(const std::string&) {
  return Pending("GetCustomerDelinquency");
}
Result<CreditLineView> Ledger::OpenCreditLine(const OpenCreditLineRequest&) { return Pending("OpenCreditLine"); }
Result<CreditLineView> Ledger::GetCreditLine(int64_t) { return Pending("GetCreditLine"); }
Result<CreditLineView> Ledger::ChangeCreditLimit(const LimitChangeRequest&) { return Pending("ChangeCreditLimit"); }
Result<OpenLoanResult> Ledger::Draw(const DrawRequest&) { return Pending("Draw"); }

}  // namespace credo::ledger
