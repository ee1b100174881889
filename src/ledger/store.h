// ledger/store.h — where the ledger keeps its data, behind one interface so
// that SQLite (sqlite_store.h) and PostgreSQL (postgres_store.h) serve the
// same operations (ledger.h) and the same tests.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ledger/records.h"

namespace credo::ledger {

// Σ debits and Σ credits of one account, over one loan or over everything.
struct AccountTotals {
  Account account = Account::kCash;
  int64_t loan_id = 0;  // 0 when the totals are over all loans
  int64_t debit_fen = 0;
  int64_t credit_fen = 0;
};

// Σ debits and Σ credits of one journal entry.
struct EntryTotals {
  int64_t entry_id = 0;
  int64_t debit_fen = 0;
  int64_t credit_fen = 0;
  int64_t line_count = 0;
  int64_t bad_lines = 0;  // lines without exactly one positive side
};

// The storage a ledger runs on. Writes happen inside Transaction(); every
// call reports failures as a Status.
class LedgerStore {
 public:
  virtual ~LedgerStore() = default;

  // Runs `body` in one transaction: commits when it returns Ok, rolls
  // everything back otherwise (or if the commit fails), and returns its Status.
  // Inside another Transaction it is a savepoint of that one (a failure undoes
  // only `body`'s work), so callers can group operations: all of a batch of
  // loans opened in one commit.
  virtual Status Transaction(const std::function<Status()>& body) = 0;

  // The stored outcome of request `key`, if it was made before.
  virtual Result<std::optional<StoredRequest>> FindRequest(const std::string& key) = 0;
  virtual Status SaveRequest(const StoredRequest& request) = 0;

  // Stores a new loan with its installments; returns its id.
  virtual Result<int64_t> InsertLoan(const LoanRecord& loan) = 0;
  // The loan `id`, or nullopt when there is none.
  virtual Result<std::optional<LoanRecord>> LoadLoan(int64_t id) = 0;
  // The loans of `ids` (ascending) that exist, in id order: LoadLoan for a
  // chunk of loans at once (on PostgreSQL two round trips, not two per loan).
  virtual Result<std::vector<LoanRecord>> LoadLoans(const std::vector<int64_t>& ids) = 0;
  // Writes back a loan's status, customer credit and installments' amounts
  // (recognised and paid; the plan of each installment is kept).
  virtual Status UpdateLoan(const LoanRecord& loan) = 0;
  // Writes back a loan like UpdateLoan and replaces its installments,
  // plans included, by `loan.installments` (a prepayment re-schedules).
  virtual Status ReplaceInstallments(const LoanRecord& loan) = 0;
  // Every loan id, ascending.
  virtual Result<std::vector<int64_t>> LoanIds() = 0;
  // The ids of the loans of one borrower, and of one credit line, ascending.
  virtual Result<std::vector<int64_t>> LoansOfCustomer(const std::string& customer_id) = 0;
  virtual Result<std::vector<int64_t>> LoansOfCreditLine(int64_t line_id) = 0;
  // The ids above `after_id`, ascending, of the active loans the end-of-day
  // batch of a date has work on: those with an installment not settled
  // (anything still owed) due on or before `through`, and those whose last
  // aging was past due. Every other active loan is current with nothing due.
  virtual Result<std::vector<int64_t>> LoansForEndOfDay(CivilDate through, int64_t after_id) = 0;

  // Stores a new credit line; returns its id.
  virtual Result<int64_t> InsertCreditLine(const CreditLineRecord& line) = 0;
  // The credit line `id`, or nullopt when there is none.
  virtual Result<std::optional<CreditLineRecord>> LoadCreditLine(int64_t id) = 0;
  // Writes back a line's limit and status.
  virtual Status UpdateCreditLine(const CreditLineRecord& line) = 0;
  virtual Status InsertCreditLineEvent(const CreditLineEvent& event) = 0;
  // A line's events in the order they were recorded.
  virtual Result<std::vector<CreditLineEvent>> CreditLineEvents(int64_t line_id) = 0;

  // Stores an entry and its lines (validated by the caller); returns its id.
  virtual Result<int64_t> InsertEntry(const JournalEntry& entry) = 0;
  // The entries of loan `loan_id` with their lines, in posting order.
  virtual Result<std::vector<JournalEntry>> EntriesOfLoan(int64_t loan_id) = 0;

  // Totals per account (loan_id 0), and per loan and account.
  virtual Result<std::vector<AccountTotals>> TotalsByAccount() = 0;
  virtual Result<std::vector<AccountTotals>> TotalsByLoanAndAccount() = 0;
  // Totals of every entry that is unbalanced or has a bad line.
  virtual Result<std::vector<EntryTotals>> FaultyEntries() = 0;

  // The end-of-day run with the latest business date, if any ran.
  virtual Result<std::optional<EodProgress>> LatestEodProgress() = 0;
  // Records the progress of `progress.business_date`: creates its row, or
  // advances it — last_loan_id and completed never go back, so two
  // processes running the same date cannot undo each other's progress.
  virtual Status SaveEodProgress(const EodProgress& progress) = 0;
  // A loan's aging as of its last end-of-day run, or nullopt before the first.
  virtual Result<std::optional<LoanAging>> LoadAging(int64_t loan_id) = 0;
  // The agings of those of `ids` that have one, by loan id.
  virtual Result<std::map<int64_t, LoanAging>> LoadAgings(const std::vector<int64_t>& ids) = 0;
  virtual Status SaveAging(const LoanAging& aging) = 0;
  // How many active loans each bucket holds by their last aging ("M0" -> 980,
  // "M1" -> 12, ...; loans never aged count as "M0").
  virtual Result<std::vector<std::pair<std::string, int64_t>>> CountActiveLoansByBucket() = 0;
  virtual Status InsertEodEvent(const EodEvent& event) = 0;
  // The events of `business_date`, in the order they were recorded.
  virtual Result<std::vector<EodEvent>> EodEventsOn(CivilDate business_date) = 0;
};

}  // namespace credo::ledger
