#include "ledger/posting.h"

#include <algorithm>

namespace credo::ledger {

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

}  // namespace credo::ledger
