// ledger/posting.h — helpers the operations share to build and post
// journal entries (internal to the ledger module).
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "core/status.h"
#include "ledger/records.h"
#include "ledger/store.h"

namespace credo::ledger {

// Validates and stores `entry`; returns its id.
Result<int64_t> Post(LedgerStore& store, const JournalEntry& entry);

// Appends Dr `debit` / Cr `credit` for `fen` when it is positive.
void AddPair(JournalEntry& entry, Account debit, Account credit, int64_t fen);

// Appends Cr `account` for `fen` when it is positive.
void AddCredit(JournalEntry& entry, Account account, int64_t fen);

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

}  // namespace credo::ledger
