// ledger/posting.h — helpers the operations share to build and post
// journal entries and to keep requests idempotent (internal to the ledger
// module).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ledger/allocation.h"
#include "ledger/records.h"
#include "ledger/store.h"

namespace credo::ledger {

// A kConflict error: the request is valid but the ledger's state refuses it
// (a closed loan, a frozen line, a repayment already reversed).
Status Conflict(std::string message, std::string path);

// Validates and stores `entry`; returns its id.
Result<int64_t> Post(LedgerStore& store, const JournalEntry& entry);

// Appends Dr `debit` / Cr `credit` for `fen` when it is positive.
void AddPair(JournalEntry& entry, Account debit, Account credit, int64_t fen);

// Appends Cr `account` for `fen` when it is positive.
void AddCredit(JournalEntry& entry, Account account, int64_t fen);

// Appends Dr `account` for `fen` when it is positive.
void AddDebit(JournalEntry& entry, Account account, int64_t fen);

// The entry of a payment of `cash_fen` split as `split`: Dr cash / Dr
// customer_credit `credit_used_fen` (credit held before, spent now) / Cr each
// receivable its share / Cr customer_credit the overpayment.
JournalEntry PaymentEntry(JournalEntry header, int64_t cash_fen, const Allocation& split,
                          int64_t credit_used_fen);

// Interest and fee recognised by one Recognise call.
struct Recognised {
  int64_t interest_fen = 0;
  int64_t fee_fen = 0;
};

// Raises each installment's recognised interest and fee to at least
// `target(installment)` = {interest, fee}, and posts the increase as
// `entry` (kind, date, key set by the caller): Dr interest_receivable /
// Cr interest_income, Dr fee_receivable / Cr fee_income. Posts nothing when
// everything was already recognised, so no amount is ever recognised twice.
Result<Recognised> Recognise(
    LedgerStore& store, LoanRecord& loan, JournalEntry entry,
    const std::function<std::pair<int64_t, int64_t>(const LoanInstallment&)>& target);

// Recognises, as `kind`, all the interest and fee each installment's plan
// carries that a payment reaches: what it has paid (Repay), or everything
// (a payoff).
Status RecognisePaid(LedgerStore& store, LoanRecord& loan, CivilDate date, const std::string& key);

// The prefix of the keys under which the ledger records that a repayment was
// reversed ("reversal-of:<its key>"); a caller's request key may not start with it.
inline constexpr std::string_view kReversalMarkerPrefix = "reversal-of:";

// Looks up request `key`: nullopt when it is new, the stored result when it
// was used for the same request (`fingerprint`), kConflict naming
// "request_key" when it was used for another, kInvalidInput when empty or
// when it starts with kReversalMarkerPrefix.
Result<std::optional<nlohmann::json>> Replay(LedgerStore& store, const std::string& key,
                                             const std::string& fingerprint);
// Stores what request `key` returned, for Replay.
Status SaveResult(LedgerStore& store, const std::string& key, const std::string& fingerprint,
                  const nlohmann::json& result);

// Runs a money-moving operation once per request key, in one store
// transaction (a savepoint inside the caller's): when `key` was used before
// for the same request (`fingerprint`), `replayed` rebuilds the first result
// from what was stored and nothing is posted; otherwise `post` does the work
// and `to_json` of its result is stored under the key. A failure anywhere
// keeps nothing, the key included.
template <class Outcome>
Result<Outcome> PostOnce(LedgerStore& store, const std::string& key, const std::string& fingerprint,
                         const std::function<Result<Outcome>(const nlohmann::json&)>& replayed,
                         const std::function<Result<Outcome>()>& post,
                         const std::function<nlohmann::json(const Outcome&)>& to_json) {
  Outcome outcome;
  CREDO_RETURN_IF_ERROR(store.Transaction([&]() -> Status {
    CREDO_ASSIGN_OR_RETURN(std::optional<nlohmann::json> stored, Replay(store, key, fingerprint));
    if (stored) {
      CREDO_ASSIGN_OR_RETURN(outcome, replayed(*stored));
      return Status::Ok();
    }
    CREDO_ASSIGN_OR_RETURN(outcome, post());
    return SaveResult(store, key, fingerprint, to_json(outcome));
  }));
  return outcome;
}

// An allocation as stored with a request's result, and back.
nlohmann::json AllocationJson(const Allocation& a);
Allocation AllocationFromJson(const nlohmann::json& j);

// What a payment paid on each installment, from the installments before and
// after it: [{number, penalty_fen, fee_fen, interest_fen, principal_fen}]
// for each installment it reached. Stored with the payment so a reversal
// can undo it exactly.
nlohmann::json PaidByInstallment(const std::vector<LoanInstallment>& before,
                                 const std::vector<LoanInstallment>& after);

// Σ of what a loan's installments still owe: principal, and everything.
int64_t PrincipalOwedFen(const LoanRecord& loan);
int64_t OwedFen(const LoanRecord& loan);

// What the journal should hold on `account` for `loan`, as a normal-side
// balance: for a receivable, what is recognised and unpaid (0 once the loan
// is written off: it was given up); for customer_credit, the loan's credit.
int64_t ReceivableFen(const LoanRecord& loan, Account account);

// The loan `loan_id`, kNotFound naming "loan" when there is none, and
// kConflict naming "loan" when it is not active.
Result<LoanRecord> LoadActiveLoan(LedgerStore& store, int64_t loan_id);

}  // namespace credo::ledger
