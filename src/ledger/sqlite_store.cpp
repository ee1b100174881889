#include "ledger/sqlite_store.h"

#include <sqlite3.h>

#include <array>
#include <map>
#include <string_view>

#include "sqlite/connection.h"

namespace credo::ledger {
namespace {

// PRAGMA application_id of a ledger file ("CRLG") and its schema version.
constexpr int64_t kApplicationId = 0x43524C47;
// 2 added the end-of-day tables (kEodSchema), 3 borrowers and credit lines (kLinesSchema).
constexpr int64_t kSchemaVersion = 3;
constexpr int kBusyTimeoutMs = 10'000;
// Page cache of a connection: a book of a million loans keeps its hot pages
// (open installments, aging) in memory instead of re-reading them per loan.
constexpr int64_t kCacheKiB = 256 * 1024;
// Starts the message of every SQLite error of the ledger.
constexpr std::string_view kLabel = "ledger: ";

using sqlite::ColumnText;

constexpr const char* kSchema = R"sql(
CREATE TABLE loans(
  id INTEGER PRIMARY KEY, product TEXT NOT NULL, method TEXT NOT NULL,
  principal_fen INTEGER NOT NULL, term_months INTEGER NOT NULL,
  interest_annual_bps INTEGER NOT NULL, flat_fee_annual_bps INTEGER NOT NULL,
  upfront_fee_fen INTEGER NOT NULL, merchant_discount_fen INTEGER NOT NULL,
  rounding TEXT NOT NULL, start_date TEXT NOT NULL, apr_irr_bps INTEGER NOT NULL,
  status TEXT NOT NULL, customer_credit_fen INTEGER NOT NULL);
CREATE TABLE installments(
  loan_id INTEGER NOT NULL REFERENCES loans(id), number INTEGER NOT NULL, due_date TEXT NOT NULL,
  principal_fen INTEGER NOT NULL, interest_fen INTEGER NOT NULL, fee_fen INTEGER NOT NULL,
  installment_fen INTEGER NOT NULL, remaining_principal_fen INTEGER NOT NULL,
  interest_recognised_fen INTEGER NOT NULL, fee_recognised_fen INTEGER NOT NULL,
  penalty_charged_fen INTEGER NOT NULL, principal_paid_fen INTEGER NOT NULL,
  interest_paid_fen INTEGER NOT NULL, fee_paid_fen INTEGER NOT NULL, penalty_paid_fen INTEGER NOT NULL,
  PRIMARY KEY(loan_id, number)) WITHOUT ROWID;
CREATE TABLE entries(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, loan_id INTEGER NOT NULL,
  business_date TEXT NOT NULL, request_key TEXT NOT NULL);
CREATE INDEX entries_by_loan ON entries(loan_id, id);
CREATE TABLE lines(
  entry_id INTEGER NOT NULL REFERENCES entries(id), line_no INTEGER NOT NULL,
  account TEXT NOT NULL, loan_id INTEGER NOT NULL,
  debit_fen INTEGER NOT NULL, credit_fen INTEGER NOT NULL,
  PRIMARY KEY(entry_id, line_no)) WITHOUT ROWID;
CREATE INDEX lines_by_loan ON lines(loan_id, account);
CREATE TABLE requests(key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, result TEXT NOT NULL) WITHOUT ROWID;
)sql";

// The end-of-day batch's state (schema version 2; a version-1 file gains them on open).
constexpr const char* kEodSchema = R"sql(
CREATE TABLE eod_progress(
  business_date TEXT PRIMARY KEY, previous_date TEXT, last_loan_id INTEGER NOT NULL,
  completed INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE loan_aging(
  loan_id INTEGER PRIMARY KEY REFERENCES loans(id), business_date TEXT NOT NULL,
  dpd_days INTEGER NOT NULL, bucket TEXT NOT NULL);
CREATE TABLE eod_events(
  id INTEGER PRIMARY KEY, business_date TEXT NOT NULL, loan_id INTEGER NOT NULL REFERENCES loans(id),
  kind TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX eod_events_by_date ON eod_events(business_date, id);
)sql";

// Borrowers, credit lines, and the settled flag the end-of-day batch finds
// its work by (schema version 3; older files gain them on open).
constexpr const char* kLinesSchema = R"sql(
ALTER TABLE loans ADD COLUMN customer_id TEXT NOT NULL DEFAULT '';
ALTER TABLE loans ADD COLUMN credit_line_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX loans_by_customer ON loans(customer_id) WHERE customer_id <> '';
CREATE INDEX loans_by_line ON loans(credit_line_id) WHERE credit_line_id <> 0;
ALTER TABLE installments ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;
UPDATE installments SET settled = (principal_paid_fen = principal_fen AND interest_paid_fen = interest_fen
  AND fee_paid_fen = fee_fen AND penalty_paid_fen = penalty_charged_fen);
CREATE INDEX installments_open ON installments(due_date, loan_id) WHERE settled = 0;
CREATE INDEX loan_aging_overdue ON loan_aging(loan_id) WHERE dpd_days > 0;
CREATE TABLE credit_lines(
  id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, product TEXT NOT NULL, limit_fen INTEGER NOT NULL,
  status TEXT NOT NULL, opened TEXT NOT NULL);
CREATE TABLE credit_line_events(
  id INTEGER PRIMARY KEY, line_id INTEGER NOT NULL REFERENCES credit_lines(id), date TEXT NOT NULL,
  kind TEXT NOT NULL, limit_before_fen INTEGER NOT NULL, limit_after_fen INTEGER NOT NULL,
  request_key TEXT NOT NULL, reason TEXT NOT NULL);
CREATE INDEX credit_line_events_by_line ON credit_line_events(line_id, id);
)sql";

class SqliteStore final : public LedgerStore {
 public:
  SqliteStore(sqlite::Connection db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  Status Init() {
    CREDO_RETURN_IF_ERROR(
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
             "PRAGMA cache_size=" +
             std::to_string(-kCacheKiB)));
    CREDO_ASSIGN_OR_RETURN(const int64_t app_id, QueryInt("PRAGMA application_id"));
    CREDO_ASSIGN_OR_RETURN(const int64_t version, QueryInt("PRAGMA user_version"));
    if (app_id == 0 && version == 0) {
      CREDO_ASSIGN_OR_RETURN(const int64_t tables, QueryInt("SELECT count(*) FROM sqlite_master"));
      if (tables != 0) return Status::Invalid("not a Credo ledger (it holds other tables)", path_);
      return Transaction([&] {
        CREDO_RETURN_IF_ERROR(Exec(kSchema));
        CREDO_RETURN_IF_ERROR(Exec(kEodSchema));
        CREDO_RETURN_IF_ERROR(Exec(kLinesSchema));
        return Exec("PRAGMA application_id = " + std::to_string(kApplicationId) +
                    "; PRAGMA user_version = " + std::to_string(kSchemaVersion));
      });
    }
    if (app_id != kApplicationId) return Status::Invalid("not a Credo ledger", path_);
    if (version == 1 || version == 2) {
      return Transaction([&] {
        if (version == 1) CREDO_RETURN_IF_ERROR(Exec(kEodSchema));
        CREDO_RETURN_IF_ERROR(Exec(kLinesSchema));
        return Exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
      });
    }
    if (version != kSchemaVersion) {
      return Status::Invalid("ledger schema version " + std::to_string(version) + ", this build reads " +
                                 std::to_string(kSchemaVersion),
                             path_);
    }
    return Status::Ok();
  }

  Status Transaction(const std::function<Status()>& body) override {
    return sqlite::Transaction(db_.get(), body, path_, kLabel);
  }

  Result<std::optional<StoredRequest>> FindRequest(const std::string& key) override {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                           Cached("SELECT fingerprint, result FROM requests WHERE key = ?"));
    BindText(s, 1, key);
    CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
    if (!row) return std::optional<StoredRequest>();
    StoredRequest found{key, ColumnText(s, 0), ColumnText(s, 1)};
    sqlite3_reset(s);
    return std::optional<StoredRequest>(std::move(found));
  }

  Status SaveRequest(const StoredRequest& request) override {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                           Cached("INSERT INTO requests(key, fingerprint, result) VALUES (?, ?, ?)"));
    BindText(s, 1, request.key);
    BindText(s, 2, request.fingerprint);
    BindText(s, 3, request.result_json);
    return StepDone(s);
  }

  Result<int64_t> InsertLoan(const LoanRecord& loan) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached(
            "INSERT INTO loans(product, method, principal_fen, term_months, interest_annual_bps, "
            "flat_fee_annual_bps, upfront_fee_fen, merchant_discount_fen, rounding, start_date, apr_irr_bps, "
            "status, customer_credit_fen, customer_id, credit_line_id) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    const lending::LoanTerms& t = loan.terms;
    BindText(s, 1, loan.product);
    BindText(s, 2, lending::RepaymentMethodName(t.method));
    sqlite3_bind_int64(s, 3, t.principal_fen);
    sqlite3_bind_int64(s, 4, t.term_months);
    sqlite3_bind_int64(s, 5, t.interest_annual_bps);
    sqlite3_bind_int64(s, 6, t.flat_fee_annual_bps);
    sqlite3_bind_int64(s, 7, t.upfront_fee_fen);
    sqlite3_bind_int64(s, 8, t.merchant_discount_fen);
    BindText(s, 9, lending::RoundingModeName(t.rounding));
    BindText(s, 10, t.start.ToString());
    sqlite3_bind_int64(s, 11, loan.apr_irr_bps);
    BindText(s, 12, LoanStatusName(loan.status));
    sqlite3_bind_int64(s, 13, loan.customer_credit_fen);
    BindText(s, 14, loan.customer_id);
    sqlite3_bind_int64(s, 15, loan.credit_line_id);
    CREDO_RETURN_IF_ERROR(StepDone(s));
    const int64_t id = sqlite3_last_insert_rowid(db_.get());
    CREDO_RETURN_IF_ERROR(InsertInstallments(id, loan.installments));
    return id;
  }

  // Stores `installments` as those of loan `loan_id`.
  Status InsertInstallments(int64_t loan_id, const std::vector<LoanInstallment>& installments) {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * ins,
        Cached("INSERT INTO installments(loan_id, number, due_date, principal_fen, interest_fen, fee_fen, "
               "installment_fen, remaining_principal_fen, interest_recognised_fen, fee_recognised_fen, "
               "penalty_charged_fen, principal_paid_fen, interest_paid_fen, fee_paid_fen, penalty_paid_fen, "
               "settled) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    for (const LoanInstallment& i : installments) {
      sqlite3_bind_int64(ins, 1, loan_id);
      sqlite3_bind_int64(ins, 2, i.plan.number);
      BindText(ins, 3, i.plan.due_date.ToString());
      const std::array<int64_t, 12> amounts = StoredAmounts(i);
      for (int k = 0; k < 12; ++k) sqlite3_bind_int64(ins, 4 + k, amounts[k]);
      sqlite3_bind_int64(ins, 16, i.owed_fen() == 0 ? 1 : 0);
      CREDO_RETURN_IF_ERROR(StepDone(ins));
    }
    return Status::Ok();
  }

  Result<std::optional<LoanRecord>> LoadLoan(int64_t id) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached(
            "SELECT product, method, principal_fen, term_months, interest_annual_bps, flat_fee_annual_bps, "
            "upfront_fee_fen, merchant_discount_fen, rounding, start_date, apr_irr_bps, status, "
            "customer_credit_fen, customer_id, credit_line_id FROM loans WHERE id = ?"));
    sqlite3_bind_int64(s, 1, id);
    CREDO_ASSIGN_OR_RETURN(const bool found, Step(s));
    if (!found) return std::optional<LoanRecord>();
    LoanRecord loan;
    loan.id = id;
    loan.product = ColumnText(s, 0);
    lending::LoanTerms& t = loan.terms;
    CREDO_ASSIGN_OR_RETURN(t.method, lending::ParseRepaymentMethod(ColumnText(s, 1)));
    t.principal_fen = sqlite3_column_int64(s, 2);
    t.term_months = sqlite3_column_int(s, 3);
    t.interest_annual_bps = sqlite3_column_int64(s, 4);
    t.flat_fee_annual_bps = sqlite3_column_int64(s, 5);
    t.upfront_fee_fen = sqlite3_column_int64(s, 6);
    t.merchant_discount_fen = sqlite3_column_int64(s, 7);
    CREDO_ASSIGN_OR_RETURN(t.rounding, lending::ParseRoundingMode(ColumnText(s, 8)));
    CREDO_ASSIGN_OR_RETURN(t.start, CivilDate::Parse(ColumnText(s, 9)));
    loan.apr_irr_bps = sqlite3_column_int64(s, 10);
    CREDO_ASSIGN_OR_RETURN(loan.status, ParseLoanStatus(ColumnText(s, 11)));
    loan.customer_credit_fen = sqlite3_column_int64(s, 12);
    loan.customer_id = ColumnText(s, 13);
    loan.credit_line_id = sqlite3_column_int64(s, 14);
    sqlite3_reset(s);

    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * ins,
        Cached("SELECT number, due_date, principal_fen, interest_fen, fee_fen, installment_fen, "
               "remaining_principal_fen, interest_recognised_fen, fee_recognised_fen, penalty_charged_fen, "
               "principal_paid_fen, interest_paid_fen, fee_paid_fen, penalty_paid_fen FROM installments "
               "WHERE loan_id = ? ORDER BY number"));
    sqlite3_bind_int64(ins, 1, id);
    while (true) {
      CREDO_ASSIGN_OR_RETURN(const bool row, Step(ins));
      if (!row) break;
      LoanInstallment i;
      i.plan.number = sqlite3_column_int(ins, 0);
      CREDO_ASSIGN_OR_RETURN(i.plan.due_date, CivilDate::Parse(ColumnText(ins, 1)));
      const std::array<int64_t*, 12> fields = StoredAmounts(i);
      for (int k = 0; k < 12; ++k) *fields[k] = sqlite3_column_int64(ins, 2 + k);
      loan.installments.push_back(i);
    }
    return std::optional<LoanRecord>(std::move(loan));
  }

  Result<std::vector<LoanRecord>> LoadLoans(const std::vector<int64_t>& ids) override {
    std::vector<LoanRecord> loans;
    for (const int64_t id : ids) {
      CREDO_ASSIGN_OR_RETURN(std::optional<LoanRecord> loan, LoadLoan(id));
      if (loan) loans.push_back(std::move(*loan));
    }
    return loans;
  }

  Status UpdateLoan(const LoanRecord& loan) override {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                           Cached("UPDATE loans SET status = ?, customer_credit_fen = ? WHERE id = ?"));
    BindText(s, 1, LoanStatusName(loan.status));
    sqlite3_bind_int64(s, 2, loan.customer_credit_fen);
    sqlite3_bind_int64(s, 3, loan.id);
    CREDO_RETURN_IF_ERROR(StepDone(s));
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * ins,
        Cached(
            "UPDATE installments SET interest_recognised_fen = ?, fee_recognised_fen = ?, "
            "penalty_charged_fen = ?, principal_paid_fen = ?, interest_paid_fen = ?, fee_paid_fen = ?, "
            "penalty_paid_fen = ?, settled = ? WHERE loan_id = ? AND number = ? AND "
            "(interest_recognised_fen, "
            "fee_recognised_fen, penalty_charged_fen, principal_paid_fen, interest_paid_fen, fee_paid_fen, "
            "penalty_paid_fen) IS NOT (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    for (const LoanInstallment& i : loan.installments) {
      const int64_t amounts[] = {i.interest_recognised_fen, i.fee_recognised_fen, i.penalty_charged_fen,
                                 i.principal_paid_fen,      i.interest_paid_fen,  i.fee_paid_fen,
                                 i.penalty_paid_fen};
      for (int k = 0; k < 7; ++k) sqlite3_bind_int64(ins, 1 + k, amounts[k]);
      sqlite3_bind_int64(ins, 8, i.owed_fen() == 0 ? 1 : 0);
      sqlite3_bind_int64(ins, 9, loan.id);
      sqlite3_bind_int64(ins, 10, i.plan.number);
      CREDO_RETURN_IF_ERROR(StepDone(ins));
    }
    return Status::Ok();
  }

  Status ReplaceInstallments(const LoanRecord& loan) override {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                           Cached("UPDATE loans SET status = ?, customer_credit_fen = ? WHERE id = ?"));
    BindText(s, 1, LoanStatusName(loan.status));
    sqlite3_bind_int64(s, 2, loan.customer_credit_fen);
    sqlite3_bind_int64(s, 3, loan.id);
    CREDO_RETURN_IF_ERROR(StepDone(s));
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * del, Cached("DELETE FROM installments WHERE loan_id = ?"));
    sqlite3_bind_int64(del, 1, loan.id);
    CREDO_RETURN_IF_ERROR(StepDone(del));
    return InsertInstallments(loan.id, loan.installments);
  }

  Result<std::vector<int64_t>> LoanIds() override {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s, Cached("SELECT id FROM loans ORDER BY id"));
    return Ids(s);
  }

  Result<std::vector<int64_t>> LoansOfCustomer(const std::string& customer_id) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached("SELECT id FROM loans WHERE customer_id = ? AND customer_id <> '' ORDER BY id"));
    BindText(s, 1, customer_id);
    return Ids(s);
  }

  Result<std::vector<int64_t>> LoansOfCreditLine(int64_t line_id) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached("SELECT id FROM loans WHERE credit_line_id = ? AND credit_line_id <> 0 ORDER BY id"));
    sqlite3_bind_int64(s, 1, line_id);
    return Ids(s);
  }

  Result<std::vector<int64_t>> LoansForEndOfDay(CivilDate through, int64_t after_id) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached("SELECT c.loan_id FROM (SELECT loan_id FROM installments WHERE settled = 0 AND due_date <= ?1 "
               "AND loan_id > ?2 UNION SELECT loan_id FROM loan_aging WHERE dpd_days > 0 AND loan_id > ?2) c "
               "JOIN loans l ON l.id = c.loan_id WHERE l.status = 'active' ORDER BY c.loan_id"));
    BindText(s, 1, through.ToString());
    sqlite3_bind_int64(s, 2, after_id);
    return Ids(s);
  }

  Result<int64_t> InsertCreditLine(const CreditLineRecord& line) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached(
            "INSERT INTO credit_lines(customer_id, product, limit_fen, status, opened) VALUES (?,?,?,?,?)"));
    BindText(s, 1, line.customer_id);
    BindText(s, 2, line.product);
    sqlite3_bind_int64(s, 3, line.limit_fen);
    BindText(s, 4, CreditLineStatusName(line.status));
    BindText(s, 5, line.opened.ToString());
    CREDO_RETURN_IF_ERROR(StepDone(s));
    return sqlite3_last_insert_rowid(db_.get());
  }

  Result<std::optional<CreditLineRecord>> LoadCreditLine(int64_t id) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached("SELECT customer_id, product, limit_fen, status, opened FROM credit_lines WHERE id = ?"));
    sqlite3_bind_int64(s, 1, id);
    CREDO_ASSIGN_OR_RETURN(const bool found, Step(s));
    if (!found) return std::optional<CreditLineRecord>();
    CreditLineRecord line;
    line.id = id;
    line.customer_id = ColumnText(s, 0);
    line.product = ColumnText(s, 1);
    line.limit_fen = sqlite3_column_int64(s, 2);
    CREDO_ASSIGN_OR_RETURN(line.status, ParseCreditLineStatus(ColumnText(s, 3)));
    CREDO_ASSIGN_OR_RETURN(line.opened, CivilDate::Parse(ColumnText(s, 4)));
    sqlite3_reset(s);
    return std::optional<CreditLineRecord>(std::move(line));
  }

  Status UpdateCreditLine(const CreditLineRecord& line) override {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                           Cached("UPDATE credit_lines SET limit_fen = ?, status = ? WHERE id = ?"));
    sqlite3_bind_int64(s, 1, line.limit_fen);
    BindText(s, 2, CreditLineStatusName(line.status));
    sqlite3_bind_int64(s, 3, line.id);
    return StepDone(s);
  }

  Status InsertCreditLineEvent(const CreditLineEvent& e) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached("INSERT INTO credit_line_events(line_id, date, kind, limit_before_fen, limit_after_fen, "
               "request_key, reason) VALUES (?,?,?,?,?,?,?)"));
    sqlite3_bind_int64(s, 1, e.line_id);
    BindText(s, 2, e.date.ToString());
    BindText(s, 3, e.kind);
    sqlite3_bind_int64(s, 4, e.limit_before_fen);
    sqlite3_bind_int64(s, 5, e.limit_after_fen);
    BindText(s, 6, e.request_key);
    BindText(s, 7, e.reason);
    return StepDone(s);
  }

  Result<std::vector<CreditLineEvent>> CreditLineEvents(int64_t line_id) override {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                           Cached("SELECT date, kind, limit_before_fen, limit_after_fen, request_key, reason "
                                  "FROM credit_line_events WHERE line_id = ? ORDER BY id"));
    sqlite3_bind_int64(s, 1, line_id);
    std::vector<CreditLineEvent> events;
    while (true) {
      CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
      if (!row) break;
      CreditLineEvent e;
      e.line_id = line_id;
      CREDO_ASSIGN_OR_RETURN(e.date, CivilDate::Parse(ColumnText(s, 0)));
      e.kind = ColumnText(s, 1);
      e.limit_before_fen = sqlite3_column_int64(s, 2);
      e.limit_after_fen = sqlite3_column_int64(s, 3);
      e.request_key = ColumnText(s, 4);
      e.reason = ColumnText(s, 5);
      events.push_back(std::move(e));
    }
    return events;
  }

  Result<int64_t> InsertEntry(const JournalEntry& entry) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached("INSERT INTO entries(kind, loan_id, business_date, request_key) VALUES (?, ?, ?, ?)"));
    BindText(s, 1, entry.kind);
    sqlite3_bind_int64(s, 2, entry.loan_id);
    BindText(s, 3, entry.business_date.ToString());
    BindText(s, 4, entry.request_key);
    CREDO_RETURN_IF_ERROR(StepDone(s));
    const int64_t id = sqlite3_last_insert_rowid(db_.get());
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * line,
        Cached("INSERT INTO lines(entry_id, line_no, account, loan_id, debit_fen, credit_fen) "
               "VALUES (?, ?, ?, ?, ?, ?)"));
    for (size_t k = 0; k < entry.lines.size(); ++k) {
      const JournalLine& l = entry.lines[k];
      sqlite3_bind_int64(line, 1, id);
      sqlite3_bind_int64(line, 2, static_cast<int64_t>(k + 1));
      BindText(line, 3, AccountName(l.account));
      sqlite3_bind_int64(line, 4, l.loan_id);
      sqlite3_bind_int64(line, 5, l.debit_fen);
      sqlite3_bind_int64(line, 6, l.credit_fen);
      CREDO_RETURN_IF_ERROR(StepDone(line));
    }
    return id;
  }

  Result<std::vector<JournalEntry>> EntriesOfLoan(int64_t loan_id) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached("SELECT e.id, e.kind, e.business_date, e.request_key, l.account, l.loan_id, l.debit_fen, "
               "l.credit_fen FROM entries e JOIN lines l ON l.entry_id = e.id WHERE e.loan_id = ? "
               "ORDER BY e.id, l.line_no"));
    sqlite3_bind_int64(s, 1, loan_id);
    std::vector<JournalEntry> entries;
    while (true) {
      CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
      if (!row) break;
      const int64_t id = sqlite3_column_int64(s, 0);
      if (entries.empty() || entries.back().id != id) {
        JournalEntry entry;
        entry.id = id;
        entry.kind = ColumnText(s, 1);
        entry.loan_id = loan_id;
        CREDO_ASSIGN_OR_RETURN(entry.business_date, CivilDate::Parse(ColumnText(s, 2)));
        entry.request_key = ColumnText(s, 3);
        entries.push_back(std::move(entry));
      }
      JournalLine line;
      CREDO_ASSIGN_OR_RETURN(line.account, ParseAccount(ColumnText(s, 4)));
      line.loan_id = sqlite3_column_int64(s, 5);
      line.debit_fen = sqlite3_column_int64(s, 6);
      line.credit_fen = sqlite3_column_int64(s, 7);
      entries.back().lines.push_back(line);
    }
    return entries;
  }

  Result<std::vector<AccountTotals>> TotalsByAccount() override {
    return Totals(
        "SELECT account, 0, sum(debit_fen), sum(credit_fen) FROM lines GROUP BY account ORDER BY account");
  }

  Result<std::vector<AccountTotals>> TotalsByLoanAndAccount() override {
    return Totals(
        "SELECT account, loan_id, sum(debit_fen), sum(credit_fen) FROM lines GROUP BY loan_id, account "
        "ORDER BY loan_id, account");
  }

  Result<std::vector<EntryTotals>> FaultyEntries() override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached(
            "SELECT e.id, coalesce(sum(l.debit_fen), 0), coalesce(sum(l.credit_fen), 0), count(l.entry_id), "
            "coalesce(sum(NOT ((l.debit_fen > 0 AND l.credit_fen = 0) OR (l.credit_fen > 0 AND "
            "l.debit_fen = 0))), 0) AS bad FROM entries e LEFT JOIN lines l ON l.entry_id = e.id GROUP BY "
            "e.id "
            "HAVING sum(l.debit_fen) IS NOT sum(l.credit_fen) OR count(l.entry_id) < 2 OR bad > 0"));
    std::vector<EntryTotals> faulty;
    while (true) {
      CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
      if (!row) break;
      faulty.push_back({sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
                        sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4)});
    }
    return faulty;
  }

  Result<std::optional<EodProgress>> LatestEodProgress() override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached("SELECT business_date, previous_date, last_loan_id, completed FROM eod_progress "
               "ORDER BY business_date DESC LIMIT 1"));
    CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
    if (!row) return std::optional<EodProgress>();
    EodProgress p;
    CREDO_ASSIGN_OR_RETURN(p.business_date, CivilDate::Parse(ColumnText(s, 0)));
    if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
      CREDO_ASSIGN_OR_RETURN(p.previous_date, CivilDate::Parse(ColumnText(s, 1)));
    }
    p.last_loan_id = sqlite3_column_int64(s, 2);
    p.completed = sqlite3_column_int64(s, 3) != 0;
    sqlite3_reset(s);
    return std::optional<EodProgress>(p);
  }

  Status SaveEodProgress(const EodProgress& p) override {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s, Cached("INSERT INTO eod_progress(business_date, previous_date, "
                                                    "last_loan_id, completed) VALUES (?, ?, ?, ?) "
                                                    "ON CONFLICT(business_date) DO UPDATE SET last_loan_id = "
                                                    "max(last_loan_id, excluded.last_loan_id), "
                                                    "completed = max(completed, excluded.completed)"));
    BindText(s, 1, p.business_date.ToString());
    if (p.previous_date) BindText(s, 2, p.previous_date->ToString());
    sqlite3_bind_int64(s, 3, p.last_loan_id);
    sqlite3_bind_int64(s, 4, p.completed ? 1 : 0);
    return StepDone(s);
  }

  Result<std::optional<LoanAging>> LoadAging(int64_t loan_id) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s, Cached("SELECT business_date, dpd_days, bucket FROM loan_aging WHERE loan_id = ?"));
    sqlite3_bind_int64(s, 1, loan_id);
    CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
    if (!row) return std::optional<LoanAging>();
    LoanAging a;
    a.loan_id = loan_id;
    CREDO_ASSIGN_OR_RETURN(a.business_date, CivilDate::Parse(ColumnText(s, 0)));
    a.dpd_days = sqlite3_column_int(s, 1);
    a.bucket = ColumnText(s, 2);
    sqlite3_reset(s);
    return std::optional<LoanAging>(std::move(a));
  }

  Result<std::map<int64_t, LoanAging>> LoadAgings(const std::vector<int64_t>& ids) override {
    std::map<int64_t, LoanAging> agings;
    for (const int64_t id : ids) {
      CREDO_ASSIGN_OR_RETURN(std::optional<LoanAging> aging, LoadAging(id));
      if (aging) agings.emplace(id, std::move(*aging));
    }
    return agings;
  }

  Status SaveAging(const LoanAging& a) override {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s, Cached("INSERT OR REPLACE INTO loan_aging(loan_id, "
                                                    "business_date, dpd_days, bucket) VALUES (?, ?, ?, ?)"));
    sqlite3_bind_int64(s, 1, a.loan_id);
    BindText(s, 2, a.business_date.ToString());
    sqlite3_bind_int64(s, 3, a.dpd_days);
    BindText(s, 4, a.bucket);
    return StepDone(s);
  }

  Result<std::vector<std::pair<std::string, int64_t>>> CountActiveLoansByBucket() override {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s, Cached("SELECT coalesce(a.bucket, 'M0'), count(*) FROM loans l "
                                                    "LEFT JOIN loan_aging a ON a.loan_id = l.id "
                                                    "WHERE l.status = 'active' GROUP BY 1 ORDER BY 1"));
    std::vector<std::pair<std::string, int64_t>> counts;
    while (true) {
      CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
      if (!row) break;
      counts.emplace_back(ColumnText(s, 0), sqlite3_column_int64(s, 1));
    }
    return counts;
  }

  Status InsertEodEvent(const EodEvent& e) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached("INSERT INTO eod_events(business_date, loan_id, kind, detail) VALUES (?, ?, ?, ?)"));
    BindText(s, 1, e.business_date.ToString());
    sqlite3_bind_int64(s, 2, e.loan_id);
    BindText(s, 3, e.kind);
    BindText(s, 4, e.detail);
    return StepDone(s);
  }

  Result<std::vector<EodEvent>> EodEventsOn(CivilDate business_date) override {
    CREDO_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Cached("SELECT loan_id, kind, detail FROM eod_events WHERE business_date = ? ORDER BY id"));
    BindText(s, 1, business_date.ToString());
    std::vector<EodEvent> events;
    while (true) {
      CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
      if (!row) break;
      EodEvent event{business_date, sqlite3_column_int64(s, 0), {}, {}};
      event.kind = ColumnText(s, 1);
      event.detail = ColumnText(s, 2);
      events.push_back(std::move(event));
    }
    return events;
  }

 private:
  Status Exec(const std::string& sql) { return sqlite::Exec(db_.get(), sql, path_, kLabel); }

  Result<int64_t> QueryInt(const std::string& sql) {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s, Cached(sql));
    CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
    const int64_t value = row ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return value;
  }

  // A prepared statement for `sql`, reset and kept for the store's lifetime.
  Result<sqlite3_stmt*> Cached(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      CREDO_ASSIGN_OR_RETURN(sqlite::Statement statement, sqlite::Prepare(db_.get(), sql, path_, kLabel));
      it = statements_.emplace(sql, std::move(statement)).first;
    }
    sqlite3_reset(it->second.get());
    sqlite3_clear_bindings(it->second.get());
    return it->second.get();
  }

  // Steps `s`: true with a row to read, false when done.
  Result<bool> Step(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    sqlite3_reset(s);
    if (rc == SQLITE_DONE) return false;
    return sqlite::Error(db_.get(), rc, "cannot run '" + std::string(sqlite3_sql(s)).substr(0, 60) + "'",
                         path_, kLabel);
  }

  Status StepDone(sqlite3_stmt* s) {
    CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
    if (row) sqlite3_reset(s);
    return Status::Ok();
  }

  // The first column of every row of `s`.
  Result<std::vector<int64_t>> Ids(sqlite3_stmt* s) {
    std::vector<int64_t> ids;
    while (true) {
      CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
      if (!row) break;
      ids.push_back(sqlite3_column_int64(s, 0));
    }
    return ids;
  }

  Result<std::vector<AccountTotals>> Totals(const std::string& sql) {
    CREDO_ASSIGN_OR_RETURN(sqlite3_stmt * s, Cached(sql));
    std::vector<AccountTotals> totals;
    while (true) {
      CREDO_ASSIGN_OR_RETURN(const bool row, Step(s));
      if (!row) break;
      AccountTotals t;
      CREDO_ASSIGN_OR_RETURN(t.account, ParseAccount(ColumnText(s, 0)));
      t.loan_id = sqlite3_column_int64(s, 1);
      t.debit_fen = sqlite3_column_int64(s, 2);
      t.credit_fen = sqlite3_column_int64(s, 3);
      totals.push_back(t);
    }
    return totals;
  }

  static void BindText(sqlite3_stmt* s, int parameter, std::string_view text) {
    sqlite3_bind_text64(s, parameter, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }

  sqlite::Connection db_;
  std::string path_;
  std::map<std::string, sqlite::Statement, std::less<>> statements_;
};

}  // namespace

Result<std::unique_ptr<LedgerStore>> OpenSqliteStore(const std::string& path) {
  CREDO_ASSIGN_OR_RETURN(sqlite::Connection db,
                         sqlite::Open(path, sqlite::OpenMode::kCreate, kBusyTimeoutMs, "ledger"));
  auto store = std::make_unique<SqliteStore>(std::move(db), path);
  CREDO_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<LedgerStore>(std::move(store));
}

}  // namespace credo::ledger
