#include "ledger/posting.h"

#include <algorithm>
#include <utility>

namespace credo::ledger {

using nlohmann::json;

Status Conflict(std::string message, std::string path) {
  return {ErrorCode::kConflict, std::move(message), std::move(path)};
}

Result<int64_t> Post(LedgerStore& store, const JournalEntry& entry) {
  CREDO_RETURN_IF_ERROR(ValidateEntry(entry));
  return store.InsertEntry(entry);
}

void AddPair(JournalEntry& entry, Account debit, Account credit, int64_t fen) {
  if (fen <= 0) return;
  entry.lines.push_back({debit, entry.loan_id, fen, 0});
  entry.lines.push_back({credit, entry.loan_id, 0, fen});
}

void AddCredit(JournalEntry& entry, Account account, int64_t fen) {
  if (fen > 0) entry.lines.push_back({account, entry.loan_id, 0, fen});
}

void AddDebit(JournalEntry& entry, Account account, int64_t fen) {
  if (fen > 0) entry.lines.push_back({account, entry.loan_id, fen, 0});
}

JournalEntry PaymentEntry(JournalEntry header, int64_t cash_fen, const Allocation& split,
                          int64_t credit_used_fen) {
  AddDebit(header, Account::kCash, cash_fen);
  AddDebit(header, Account::kCustomerCredit, credit_used_fen);
  AddCredit(header, Account::kPenaltyReceivable, split.penalty_fen);
  AddCredit(header, Account::kFeeReceivable, split.fee_fen);
  AddCredit(header, Account::kInterestReceivable, split.interest_fen);
  AddCredit(header, Account::kPrincipalReceivable, split.principal_fen);
  AddCredit(header, Account::kCustomerCredit, split.overpayment_fen);
  return header;
}

Result<Recognised> Recognise(
    LedgerStore& store, LoanRecord& loan, JournalEntry entry,
    const std::function<std::pair<int64_t, int64_t>(const LoanInstallment&)>& target) {
  Recognised done;
  for (LoanInstallment& i : loan.installments) {
    const auto [interest_fen, fee_fen] = target(i);
    done.interest_fen += std::max<int64_t>(0, interest_fen - i.interest_recognised_fen);
    done.fee_fen += std::max<int64_t>(0, fee_fen - i.fee_recognised_fen);
    i.interest_recognised_fen = std::max(i.interest_recognised_fen, interest_fen);
    i.fee_recognised_fen = std::max(i.fee_recognised_fen, fee_fen);
  }
  AddPair(entry, Account::kInterestReceivable, Account::kInterestIncome, done.interest_fen);
  AddPair(entry, Account::kFeeReceivable, Account::kFeeIncome, done.fee_fen);
  if (!entry.lines.empty()) CREDO_RETURN_IF_ERROR(Post(store, entry).status());
  return done;
}

Status RecognisePaid(LedgerStore& store, LoanRecord& loan, CivilDate date, const std::string& key) {
  return Recognise(store, loan, {0, "recognition", loan.id, date, key, {}},
                   [](const LoanInstallment& i) { return std::pair(i.interest_paid_fen, i.fee_paid_fen); })
      .status();
}

Result<std::optional<json>> Replay(LedgerStore& store, const std::string& key,
                                   const std::string& fingerprint) {
  if (key.empty()) return Status::Invalid("a request key is required", "request_key");
  if (key.starts_with(kReversalMarkerPrefix)) {
    return Status::Invalid(
        "request keys starting with '" + std::string(kReversalMarkerPrefix) + "' are the ledger's own",
        "request_key");
  }
  CREDO_ASSIGN_OR_RETURN(std::optional<StoredRequest> stored, store.FindRequest(key));
  if (!stored) return std::optional<json>();
  if (stored->fingerprint != fingerprint) {
    return Conflict("request key '" + key + "' was used for another request (" + stored->fingerprint + ")",
                    "request_key");
  }
  return std::optional<json>(json::parse(stored->result_json));
}

Status SaveResult(LedgerStore& store, const std::string& key, const std::string& fingerprint,
                  const json& result) {
  return store.SaveRequest({key, fingerprint, result.dump()});
}

json AllocationJson(const Allocation& a) {
  return {{"penalty_fen", a.penalty_fen},
          {"fee_fen", a.fee_fen},
          {"interest_fen", a.interest_fen},
          {"principal_fen", a.principal_fen},
          {"overpayment_fen", a.overpayment_fen}};
}

Allocation AllocationFromJson(const json& j) {
  return {j.at("penalty_fen"), j.at("fee_fen"), j.at("interest_fen"), j.at("principal_fen"),
          j.at("overpayment_fen")};
}

json PaidByInstallment(const std::vector<LoanInstallment>& before,
                       const std::vector<LoanInstallment>& after) {
  json paid = json::array();
  for (const LoanInstallment& a : after) {
    auto b = std::find_if(before.begin(), before.end(),
                          [&](const LoanInstallment& i) { return i.plan.number == a.plan.number; });
    if (b == before.end()) continue;
    const Allocation delta{a.penalty_paid_fen - b->penalty_paid_fen, a.fee_paid_fen - b->fee_paid_fen,
                           a.interest_paid_fen - b->interest_paid_fen,
                           a.principal_paid_fen - b->principal_paid_fen, 0};
    if (delta.penalty_fen == 0 && delta.fee_fen == 0 && delta.interest_fen == 0 && delta.principal_fen == 0)
      continue;
    json row = AllocationJson(delta);
    row.erase("overpayment_fen");
    row["number"] = a.plan.number;
    paid.push_back(row);
  }
  return paid;
}

int64_t PrincipalOwedFen(const LoanRecord& loan) {
  int64_t fen = 0;
  for (const LoanInstallment& i : loan.installments) fen += i.principal_owed_fen();
  return fen;
}

int64_t OwedFen(const LoanRecord& loan) {
  int64_t fen = 0;
  for (const LoanInstallment& i : loan.installments) fen += i.owed_fen();
  return fen;
}

int64_t ReceivableFen(const LoanRecord& loan, Account account) {
  if (account == Account::kCustomerCredit) return loan.customer_credit_fen;
  if (loan.status == LoanStatus::kWrittenOff) return 0;
  int64_t fen = 0;
  for (const LoanInstallment& i : loan.installments) {
    switch (account) {
      case Account::kPrincipalReceivable:
        fen += i.principal_owed_fen();
        break;
      case Account::kInterestReceivable:
        fen += i.interest_recognised_fen - i.interest_paid_fen;
        break;
      case Account::kFeeReceivable:
        fen += i.fee_recognised_fen - i.fee_paid_fen;
        break;
      case Account::kPenaltyReceivable:
        fen += i.penalty_owed_fen();
        break;
      default:
        break;
    }
  }
  return fen;
}

Result<LoanRecord> LoadActiveLoan(LedgerStore& store, int64_t loan_id) {
  CREDO_ASSIGN_OR_RETURN(std::optional<LoanRecord> found, store.LoadLoan(loan_id));
  if (!found) return Status::NotFound("no loan " + std::to_string(loan_id), "loan");
  if (found->status != LoanStatus::kActive) {
    return Conflict("loan " + std::to_string(loan_id) + " is " + LoanStatusName(found->status), "loan");
  }
  return std::move(*found);
}

}  // namespace credo::ledger
