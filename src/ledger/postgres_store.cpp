#include "ledger/postgres_store.h"

#include <libpq-fe.h>

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace credo::ledger {
namespace {

// The ledger's schema version; the same number as the SQLite file's.
constexpr int64_t kSchemaVersion = 3;
// The key of the advisory lock that makes two first opens take turns ("CRLG").
constexpr int64_t kSchemaLockKey = 0x43524C47;
// Starts the message of every PostgreSQL error of the ledger.
constexpr std::string_view kLabel = "ledger: ";

// The tables of sqlite_store.cpp at schema version 3, in PostgreSQL's types:
// BIGINT for fen, DATE for dates, identity ids, BOOLEAN flags. Names a report
// sorts by (accounts, buckets) compare byte-wise like SQLite's ("C").
constexpr const char* kSchema = R"sql(
CREATE TABLE credo_ledger_schema(version INTEGER NOT NULL);
CREATE TABLE loans(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, product TEXT NOT NULL, method TEXT NOT NULL,
  principal_fen BIGINT NOT NULL, term_months INTEGER NOT NULL,
  interest_annual_bps BIGINT NOT NULL, flat_fee_annual_bps BIGINT NOT NULL,
  upfront_fee_fen BIGINT NOT NULL, merchant_discount_fen BIGINT NOT NULL,
  rounding TEXT NOT NULL, start_date DATE NOT NULL, apr_irr_bps BIGINT NOT NULL,
  status TEXT NOT NULL, customer_credit_fen BIGINT NOT NULL,
  customer_id TEXT NOT NULL DEFAULT '', credit_line_id BIGINT NOT NULL DEFAULT 0);
CREATE INDEX loans_by_customer ON loans(customer_id) WHERE customer_id <> '';
CREATE INDEX loans_by_line ON loans(credit_line_id) WHERE credit_line_id <> 0;
CREATE TABLE installments(
  loan_id BIGINT NOT NULL REFERENCES loans(id), number INTEGER NOT NULL, due_date DATE NOT NULL,
  principal_fen BIGINT NOT NULL, interest_fen BIGINT NOT NULL, fee_fen BIGINT NOT NULL,
  installment_fen BIGINT NOT NULL, remaining_principal_fen BIGINT NOT NULL,
  interest_recognised_fen BIGINT NOT NULL, fee_recognised_fen BIGINT NOT NULL,
  penalty_charged_fen BIGINT NOT NULL, principal_paid_fen BIGINT NOT NULL,
  interest_paid_fen BIGINT NOT NULL, fee_paid_fen BIGINT NOT NULL, penalty_paid_fen BIGINT NOT NULL,
  settled BOOLEAN NOT NULL, PRIMARY KEY(loan_id, number));
CREATE INDEX installments_open ON installments(due_date, loan_id) WHERE NOT settled;
CREATE TABLE entries(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind TEXT NOT NULL, loan_id BIGINT NOT NULL,
  business_date DATE NOT NULL, request_key TEXT NOT NULL);
CREATE INDEX entries_by_loan ON entries(loan_id, id);
CREATE TABLE lines(
  entry_id BIGINT NOT NULL REFERENCES entries(id), line_no INTEGER NOT NULL,
  account TEXT COLLATE "C" NOT NULL, loan_id BIGINT NOT NULL,
  debit_fen BIGINT NOT NULL, credit_fen BIGINT NOT NULL, PRIMARY KEY(entry_id, line_no));
CREATE INDEX lines_by_loan ON lines(loan_id, account);
CREATE TABLE requests(key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, result TEXT NOT NULL);
CREATE TABLE eod_progress(
  business_date DATE PRIMARY KEY, previous_date DATE, last_loan_id BIGINT NOT NULL, completed BOOLEAN NOT NULL);
CREATE TABLE loan_aging(
  loan_id BIGINT PRIMARY KEY REFERENCES loans(id), business_date DATE NOT NULL,
  dpd_days INTEGER NOT NULL, bucket TEXT COLLATE "C" NOT NULL);
CREATE INDEX loan_aging_overdue ON loan_aging(loan_id) WHERE dpd_days > 0;
CREATE TABLE eod_events(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, business_date DATE NOT NULL,
  loan_id BIGINT NOT NULL REFERENCES loans(id), kind TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX eod_events_by_date ON eod_events(business_date, id);
CREATE TABLE credit_lines(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id TEXT NOT NULL, product TEXT NOT NULL,
  limit_fen BIGINT NOT NULL, status TEXT NOT NULL, opened DATE NOT NULL);
CREATE TABLE credit_line_events(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, line_id BIGINT NOT NULL REFERENCES credit_lines(id),
  date DATE NOT NULL, kind TEXT NOT NULL, limit_before_fen BIGINT NOT NULL, limit_after_fen BIGINT NOT NULL,
  request_key TEXT NOT NULL, reason TEXT NOT NULL);
CREATE INDEX credit_line_events_by_line ON credit_line_events(line_id, id);
)sql";

// The columns of a loan, in the order InsertLoan binds and LoadLoan reads them.
constexpr const char* kLoanColumns =
    "product, method, principal_fen, term_months, interest_annual_bps, flat_fee_annual_bps, upfront_fee_fen, "
    "merchant_discount_fen, rounding, start_date, apr_irr_bps, status, customer_credit_fen, customer_id, "
    "credit_line_id";
const std::string kLoadLoanSql = std::string("SELECT ") + kLoanColumns + " FROM loans WHERE id = $1";
// A chunk of loans: their columns then the id.
const std::string kLoadLoansSql =
    std::string("SELECT ") + kLoanColumns + ", id FROM loans WHERE id = ANY($1::bigint[]) ORDER BY id";
constexpr const char* kInstallmentColumns =
    "number, due_date, principal_fen, interest_fen, fee_fen, installment_fen, remaining_principal_fen, "
    "interest_recognised_fen, fee_recognised_fen, penalty_charged_fen, principal_paid_fen, "
    "interest_paid_fen, "
    "fee_paid_fen, penalty_paid_fen";
constexpr const char* kLoadCreditLineSql =
    "SELECT customer_id, product, limit_fen, status, opened FROM credit_lines WHERE id = $1";
constexpr const char* kUpdateLoanSql = "UPDATE loans SET status = $2, customer_credit_fen = $3 WHERE id = $1";

// Every statement the store runs, prepared once per connection: {name, SQL}.
// The "..._locked" twins are what a transaction reads a row it may write with.
const std::pair<const char*, std::string> kStatements[] = {
    {"find_request", "SELECT fingerprint, result FROM requests WHERE key = $1"},
    {"save_request", "INSERT INTO requests(key, fingerprint, result) VALUES ($1, $2, $3)"},
    {"insert_loan", std::string("INSERT INTO loans(") + kLoanColumns +
                        ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) RETURNING id"},
    {"insert_installments",
     "INSERT INTO installments(loan_id, number, due_date, principal_fen, interest_fen, fee_fen, "
     "installment_fen, "
     "remaining_principal_fen, interest_recognised_fen, fee_recognised_fen, penalty_charged_fen, "
     "principal_paid_fen, interest_paid_fen, fee_paid_fen, penalty_paid_fen, settled) "
     "SELECT $1, * FROM unnest($2::int[], $3::date[], $4::bigint[], $5::bigint[], $6::bigint[], "
     "$7::bigint[], "
     "$8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], "
     "$15::bigint[], $16::boolean[])"},
    {"load_loan", kLoadLoanSql},
    {"load_loan_locked", kLoadLoanSql + " FOR UPDATE"},
    {"load_loans", kLoadLoansSql},
    {"load_loans_locked", kLoadLoansSql + " FOR UPDATE"},
    {"load_installments",
     std::string("SELECT ") + kInstallmentColumns + " FROM installments WHERE loan_id = $1 ORDER BY number"},
    {"load_installments_of", std::string("SELECT ") + kInstallmentColumns +
                                 ", loan_id FROM installments WHERE loan_id = ANY($1::bigint[]) "
                                 "ORDER BY loan_id, number"},
    {"load_agings",
     "SELECT loan_id, business_date, dpd_days, bucket FROM loan_aging WHERE loan_id = ANY($1::bigint[])"},
    {"update_loan", kUpdateLoanSql},
    {"update_installments",
     "UPDATE installments i SET interest_recognised_fen = u.interest_recognised_fen, "
     "fee_recognised_fen = u.fee_recognised_fen, penalty_charged_fen = u.penalty_charged_fen, "
     "principal_paid_fen = u.principal_paid_fen, interest_paid_fen = u.interest_paid_fen, "
     "fee_paid_fen = u.fee_paid_fen, penalty_paid_fen = u.penalty_paid_fen, settled = u.settled "
     "FROM unnest($2::int[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], "
     "$8::bigint[], $9::bigint[], $10::boolean[]) AS u(number, interest_recognised_fen, fee_recognised_fen, "
     "penalty_charged_fen, principal_paid_fen, interest_paid_fen, fee_paid_fen, penalty_paid_fen, settled) "
     "WHERE i.loan_id = $1 AND i.number = u.number"},
    {"delete_installments", "DELETE FROM installments WHERE loan_id = $1"},
    {"loan_ids", "SELECT id FROM loans ORDER BY id"},
    {"loans_of_customer", "SELECT id FROM loans WHERE customer_id = $1 AND customer_id <> '' ORDER BY id"},
    {"loans_of_credit_line",
     "SELECT id FROM loans WHERE credit_line_id = $1 AND credit_line_id <> 0 ORDER BY id"},
    {"loans_for_end_of_day",
     "SELECT c.loan_id FROM (SELECT loan_id FROM installments WHERE NOT settled AND due_date <= $1 "
     "AND loan_id > $2 UNION SELECT loan_id FROM loan_aging WHERE dpd_days > 0 AND loan_id > $2) c "
     "JOIN loans l ON l.id = c.loan_id WHERE l.status = 'active' ORDER BY c.loan_id"},
    {"insert_credit_line",
     "INSERT INTO credit_lines(customer_id, product, limit_fen, status, opened) VALUES ($1,$2,$3,$4,$5) "
     "RETURNING id"},
    {"load_credit_line", kLoadCreditLineSql},
    {"load_credit_line_locked", std::string(kLoadCreditLineSql) + " FOR UPDATE"},
    {"update_credit_line", "UPDATE credit_lines SET limit_fen = $2, status = $3 WHERE id = $1"},
    {"insert_credit_line_event",
     "INSERT INTO credit_line_events(line_id, date, kind, limit_before_fen, limit_after_fen, request_key, "
     "reason) VALUES ($1,$2,$3,$4,$5,$6,$7)"},
    {"credit_line_events",
     "SELECT date, kind, limit_before_fen, limit_after_fen, request_key, reason FROM credit_line_events "
     "WHERE line_id = $1 ORDER BY id"},
    {"insert_entry",
     "INSERT INTO entries(kind, loan_id, business_date, request_key) VALUES ($1,$2,$3,$4) RETURNING id"},
    {"insert_lines",
     "INSERT INTO lines(entry_id, line_no, account, loan_id, debit_fen, credit_fen) "
     "SELECT $1, u.line_no, u.account, u.loan_id, u.debit_fen, u.credit_fen "
     "FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) WITH ORDINALITY "
     "AS u(account, loan_id, debit_fen, credit_fen, line_no)"},
    {"entries_of_loan",
     "SELECT e.id, e.kind, e.business_date, e.request_key, l.account, l.loan_id, l.debit_fen, l.credit_fen "
     "FROM entries e JOIN lines l ON l.entry_id = e.id WHERE e.loan_id = $1 ORDER BY e.id, l.line_no"},
    {"totals_by_account",
     "SELECT account, 0, sum(debit_fen), sum(credit_fen) FROM lines GROUP BY account ORDER BY account"},
    {"totals_by_loan_and_account",
     "SELECT account, loan_id, sum(debit_fen), sum(credit_fen) FROM lines GROUP BY loan_id, account "
     "ORDER BY loan_id, account"},
    {"faulty_entries",
     "SELECT e.id, coalesce(sum(l.debit_fen), 0), coalesce(sum(l.credit_fen), 0), count(l.entry_id), "
     "count(*) FILTER (WHERE NOT ((l.debit_fen > 0 AND l.credit_fen = 0) OR (l.credit_fen > 0 AND "
     "l.debit_fen = 0))) FROM entries e LEFT JOIN lines l ON l.entry_id = e.id GROUP BY e.id "
     "HAVING sum(l.debit_fen) IS DISTINCT FROM sum(l.credit_fen) OR count(l.entry_id) < 2 OR "
     "count(*) FILTER (WHERE NOT ((l.debit_fen > 0 AND l.credit_fen = 0) OR (l.credit_fen > 0 AND "
     "l.debit_fen = 0))) > 0 ORDER BY e.id"},
    {"latest_eod_progress",
     "SELECT business_date, previous_date, last_loan_id, completed FROM eod_progress "
     "ORDER BY business_date DESC LIMIT 1"},
    {"save_eod_progress",
     "INSERT INTO eod_progress(business_date, previous_date, last_loan_id, completed) VALUES ($1,$2,$3,$4) "
     "ON CONFLICT (business_date) DO UPDATE SET "
     "last_loan_id = GREATEST(eod_progress.last_loan_id, excluded.last_loan_id), "
     "completed = eod_progress.completed OR excluded.completed"},
    {"load_aging", "SELECT business_date, dpd_days, bucket FROM loan_aging WHERE loan_id = $1"},
    {"save_aging",
     "INSERT INTO loan_aging(loan_id, business_date, dpd_days, bucket) VALUES ($1,$2,$3,$4) "
     "ON CONFLICT (loan_id) DO UPDATE SET business_date = excluded.business_date, "
     "dpd_days = excluded.dpd_days, bucket = excluded.bucket"},
    {"count_active_loans_by_bucket",
     "SELECT coalesce(a.bucket, 'M0'), count(*) FROM loans l LEFT JOIN loan_aging a ON a.loan_id = l.id "
     "WHERE l.status = 'active' GROUP BY 1 ORDER BY 1"},
    {"insert_eod_event", "INSERT INTO eod_events(business_date, loan_id, kind, detail) VALUES ($1,$2,$3,$4)"},
    {"eod_events_on", "SELECT loan_id, kind, detail FROM eod_events WHERE business_date = $1 ORDER BY id"},
};

// `text` with every non-empty secret replaced by "***".
std::string Scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

// The first line of a library message, without its trailing newline.
std::string FirstLine(std::string_view message) {
  const size_t end = message.find('\n');
  return std::string(message.substr(0, end));
}

// The password written in a URI's user info ("postgresql://user:secret@host"),
// as written (percent-encoded), or "" when there is none.
std::string RawPassword(std::string_view uri) {
  const size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) return "";
  std::string_view authority = uri.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?"));
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return "";
  const std::string_view user_info = authority.substr(0, at);
  const size_t colon = user_info.find(':');
  return colon == std::string_view::npos ? "" : std::string(user_info.substr(colon + 1));
}

// A server and database as messages name them: "postgresql://user@host:port/db",
// never with the password, and the secrets a message must not show.
struct ServerAddress {
  std::string display;
  std::vector<std::string> secrets;
};

Result<ServerAddress> DescribeUri(const std::string& uri) {
  ServerAddress address;
  address.secrets.push_back(RawPassword(uri));
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    const std::string message = error != nullptr ? FirstLine(error) : "out of memory";
    PQfreemem(error);
    return Status::Invalid("not a PostgreSQL URI: " + Scrub(message, address.secrets), "db");
  }
  std::map<std::string, std::string, std::less<>> values;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr) values[o->keyword] = o->val;
  }
  PQconninfoFree(options);
  address.secrets.push_back(values["password"]);
  const std::string host = values["host"].empty() ? "localhost" : values["host"];
  address.display = "postgresql://" + (values["user"].empty() ? "" : values["user"] + "@") + host +
                    (values["port"].empty() ? "" : ":" + values["port"]) + "/" + values["dbname"];
  return address;
}

// A PostgreSQL array literal of `values`, each written by `write`: "{1,2,3}".
template <class T, class Write>
std::string ArrayLiteral(const std::vector<T>& values, Write write) {
  std::string text = "{";
  for (size_t k = 0; k < values.size(); ++k) {
    if (k > 0) text += ',';
    text += write(values[k]);
  }
  return text + "}";
}

std::string IntArray(const std::vector<int64_t>& values) {
  return ArrayLiteral(values, [](int64_t v) { return std::to_string(v); });
}

std::string BoolArray(const std::vector<bool>& values) {
  return ArrayLiteral(values, [](bool v) { return std::string(v ? "t" : "f"); });
}

// Strings are quoted, with " and \ escaped: {"a","b\"c"}.
std::string TextArray(const std::vector<std::string>& values) {
  return ArrayLiteral(values, [](const std::string& v) {
    std::string quoted = "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return quoted + '"';
  });
}

Result<CivilDate> DateOf(const pqxx::field& field) { return CivilDate::Parse(field.c_str()); }

// The amounts UpdateLoan writes back (what is recognised and paid), in the
// order of update_installments' arrays.
std::vector<int64_t> ProgressAmounts(const LoanInstallment& i) {
  return {i.interest_recognised_fen, i.fee_recognised_fen, i.penalty_charged_fen, i.principal_paid_fen,
          i.interest_paid_fen,       i.fee_paid_fen,       i.penalty_paid_fen};
}

// The first `count` columns of `rows`, each as an array literal.
std::vector<std::string> Columns(const std::vector<std::vector<int64_t>>& rows, size_t count) {
  std::vector<std::string> columns;
  for (size_t k = 0; k < count; ++k) {
    std::vector<int64_t> column;
    for (const std::vector<int64_t>& row : rows) column.push_back(row[k]);
    columns.push_back(IntArray(column));
  }
  return columns;
}

// A loan from the columns of kLoanColumns at the start of `row`.
Result<LoanRecord> LoanOfRow(const pqxx::row& row, int64_t id) {
  LoanRecord loan;
  loan.id = id;
  loan.product = row[0].c_str();
  lending::LoanTerms& terms = loan.terms;
  CREDO_ASSIGN_OR_RETURN(terms.method, lending::ParseRepaymentMethod(row[1].c_str()));
  terms.principal_fen = row[2].as<int64_t>();
  terms.term_months = row[3].as<int>();
  terms.interest_annual_bps = row[4].as<int64_t>();
  terms.flat_fee_annual_bps = row[5].as<int64_t>();
  terms.upfront_fee_fen = row[6].as<int64_t>();
  terms.merchant_discount_fen = row[7].as<int64_t>();
  CREDO_ASSIGN_OR_RETURN(terms.rounding, lending::ParseRoundingMode(row[8].c_str()));
  CREDO_ASSIGN_OR_RETURN(terms.start, DateOf(row[9]));
  loan.apr_irr_bps = row[10].as<int64_t>();
  CREDO_ASSIGN_OR_RETURN(loan.status, ParseLoanStatus(row[11].c_str()));
  loan.customer_credit_fen = row[12].as<int64_t>();
  loan.customer_id = row[13].c_str();
  loan.credit_line_id = row[14].as<int64_t>();
  return loan;
}

// An installment from the columns of kInstallmentColumns at the start of `row`.
Result<LoanInstallment> InstallmentOfRow(const pqxx::row& row) {
  LoanInstallment i;
  i.plan.number = row[0].as<int>();
  CREDO_ASSIGN_OR_RETURN(i.plan.due_date, DateOf(row[1]));
  const std::array<int64_t*, 12> amounts = StoredAmounts(i);
  for (size_t k = 0; k < amounts.size(); ++k) *amounts[k] = row[static_cast<int>(k) + 2].as<int64_t>();
  return i;
}

class PostgresStore final : public LedgerStore {
 public:
  PostgresStore(std::unique_ptr<pqxx::connection> connection, ServerAddress address)
      : connection_(std::move(connection)), address_(std::move(address)) {}

  // Creates the tables in an empty database, checks the schema version of a
  // ledger, and prepares the statements.
  Status Init() {
    CREDO_RETURN_IF_ERROR(Guard([&]() -> Status {
      pqxx::nontransaction session(*connection_);
      session.exec("SET DateStyle = ISO; SET client_min_messages = warning");
      return Status::Ok();
    }));
    CREDO_RETURN_IF_ERROR(Transaction([&]() -> Status {
      pqxx::transaction_base& t = *transaction_;
      t.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kSchemaLockKey) + ")");
      if (t.exec("SELECT to_regclass('credo_ledger_schema')")[0][0].is_null()) {
        const int64_t tables =
            t.exec("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")[0][0].as<int64_t>();
        if (tables != 0)
          return Status::Invalid("not a Credo ledger (it holds other tables)", address_.display);
        t.exec(kSchema);
        t.exec("INSERT INTO credo_ledger_schema(version) VALUES (" + std::to_string(kSchemaVersion) + ")");
        return Status::Ok();
      }
      const pqxx::result version = t.exec("SELECT version FROM credo_ledger_schema");
      if (version.size() != 1 || version[0][0].as<int64_t>() != kSchemaVersion) {
        const std::string found = version.size() == 1 ? version[0][0].c_str() : "unknown";
        return Status::Invalid(
            "ledger schema version " + found + ", this build reads " + std::to_string(kSchemaVersion),
            address_.display);
      }
      return Status::Ok();
    }));
    return Guard([&]() -> Status {
      for (const auto& [name, sql] : kStatements) connection_->prepare(name, sql);
      return Status::Ok();
    });
  }

  Status Transaction(const std::function<Status()>& body) override {
    return Guard([&]() -> Status {
      if (transaction_ != nullptr) return InSavepoint(*transaction_, body);
      pqxx::work work(*connection_);
      struct Current {  // the transaction store calls run in, until it ends
        PostgresStore& store;
        ~Current() { store.transaction_ = nullptr; }
      } current{*this};
      transaction_ = &work;
      CREDO_RETURN_IF_ERROR(body());  // `work` rolls back as it goes out of scope
      work.commit();
      return Status::Ok();
    });
  }

  Result<std::optional<StoredRequest>> FindRequest(const std::string& key) override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::optional<StoredRequest>> {
      const pqxx::result r = t.exec_prepared("find_request", key);
      if (r.empty()) return std::optional<StoredRequest>();
      return std::optional<StoredRequest>(StoredRequest{key, r[0][0].c_str(), r[0][1].c_str()});
    });
  }

  Status SaveRequest(const StoredRequest& request) override {
    const Status status = Run([&](pqxx::transaction_base& t) -> Status {
      t.exec_prepared("save_request", request.key, request.fingerprint, request.result_json);
      return Status::Ok();
    });
    if (status.code() != ErrorCode::kConflict) return status;
    return Status(ErrorCode::kConflict, "request key '" + request.key + "' is already used", "request_key");
  }

  Result<int64_t> InsertLoan(const LoanRecord& loan) override {
    return Run([&](pqxx::transaction_base& t) -> Result<int64_t> {
      const lending::LoanTerms& terms = loan.terms;
      const int64_t id =
          t.exec_prepared("insert_loan", loan.product, lending::RepaymentMethodName(terms.method),
                          terms.principal_fen, terms.term_months, terms.interest_annual_bps,
                          terms.flat_fee_annual_bps, terms.upfront_fee_fen, terms.merchant_discount_fen,
                          lending::RoundingModeName(terms.rounding), terms.start.ToString(), loan.apr_irr_bps,
                          LoanStatusName(loan.status), loan.customer_credit_fen, loan.customer_id,
                          loan.credit_line_id)[0][0]
              .as<int64_t>();
      InsertInstallments(t, id, loan.installments);
      return id;
    });
  }

  Result<std::optional<LoanRecord>> LoadLoan(int64_t id) override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::optional<LoanRecord>> {
      const pqxx::result r = t.exec_prepared(InTransaction() ? "load_loan_locked" : "load_loan", id);
      if (r.empty()) return std::optional<LoanRecord>();
      CREDO_ASSIGN_OR_RETURN(LoanRecord loan, LoanOfRow(r[0], id));
      for (const pqxx::row& row : t.exec_prepared("load_installments", id)) {
        CREDO_ASSIGN_OR_RETURN(LoanInstallment i, InstallmentOfRow(row));
        loan.installments.push_back(i);
      }
      return std::optional<LoanRecord>(std::move(loan));
    });
  }

  Result<std::vector<LoanRecord>> LoadLoans(const std::vector<int64_t>& ids) override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::vector<LoanRecord>> {
      const std::string id_array = IntArray(ids);
      std::vector<LoanRecord> loans;
      std::map<int64_t, size_t> index;
      for (const pqxx::row& row :
           t.exec_prepared(InTransaction() ? "load_loans_locked" : "load_loans", id_array)) {
        const int64_t id = row[15].as<int64_t>();
        CREDO_ASSIGN_OR_RETURN(LoanRecord loan, LoanOfRow(row, id));
        index[id] = loans.size();
        loans.push_back(std::move(loan));
      }
      for (const pqxx::row& row : t.exec_prepared("load_installments_of", id_array)) {
        CREDO_ASSIGN_OR_RETURN(LoanInstallment i, InstallmentOfRow(row));
        loans[index.at(row[14].as<int64_t>())].installments.push_back(i);
      }
      return loans;
    });
  }

  Status UpdateLoan(const LoanRecord& loan) override {
    return Run([&](pqxx::transaction_base& t) -> Status {
      t.exec_prepared("update_loan", loan.id, LoanStatusName(loan.status), loan.customer_credit_fen);
      std::vector<int64_t> numbers;
      std::vector<std::vector<int64_t>> rows;
      std::vector<bool> settled;
      for (const LoanInstallment& i : loan.installments) {
        numbers.push_back(i.plan.number);
        rows.push_back(ProgressAmounts(i));
        settled.push_back(i.owed_fen() == 0);
      }
      const std::vector<std::string> a = Columns(rows, 7);
      t.exec_prepared("update_installments", loan.id, IntArray(numbers), a[0], a[1], a[2], a[3], a[4], a[5],
                      a[6], BoolArray(settled));
      return Status::Ok();
    });
  }

  Status ReplaceInstallments(const LoanRecord& loan) override {
    return Run([&](pqxx::transaction_base& t) -> Status {
      t.exec_prepared("update_loan", loan.id, LoanStatusName(loan.status), loan.customer_credit_fen);
      t.exec_prepared("delete_installments", loan.id);
      InsertInstallments(t, loan.id, loan.installments);
      return Status::Ok();
    });
  }

  Result<std::vector<int64_t>> LoanIds() override { return Ids("loan_ids"); }

  Result<std::vector<int64_t>> LoansOfCustomer(const std::string& customer_id) override {
    return Ids("loans_of_customer", customer_id);
  }

  Result<std::vector<int64_t>> LoansOfCreditLine(int64_t line_id) override {
    return Ids("loans_of_credit_line", line_id);
  }

  Result<std::vector<int64_t>> LoansForEndOfDay(CivilDate through, int64_t after_id) override {
    return Ids("loans_for_end_of_day", through.ToString(), after_id);
  }

  Result<int64_t> InsertCreditLine(const CreditLineRecord& line) override {
    return Run([&](pqxx::transaction_base& t) -> Result<int64_t> {
      return t
          .exec_prepared("insert_credit_line", line.customer_id, line.product, line.limit_fen,
                         CreditLineStatusName(line.status), line.opened.ToString())[0][0]
          .as<int64_t>();
    });
  }

  Result<std::optional<CreditLineRecord>> LoadCreditLine(int64_t id) override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::optional<CreditLineRecord>> {
      const pqxx::result r =
          t.exec_prepared(InTransaction() ? "load_credit_line_locked" : "load_credit_line", id);
      if (r.empty()) return std::optional<CreditLineRecord>();
      CreditLineRecord line;
      line.id = id;
      line.customer_id = r[0][0].c_str();
      line.product = r[0][1].c_str();
      line.limit_fen = r[0][2].as<int64_t>();
      CREDO_ASSIGN_OR_RETURN(line.status, ParseCreditLineStatus(r[0][3].c_str()));
      CREDO_ASSIGN_OR_RETURN(line.opened, DateOf(r[0][4]));
      return std::optional<CreditLineRecord>(std::move(line));
    });
  }

  Status UpdateCreditLine(const CreditLineRecord& line) override {
    return Exec("update_credit_line", line.id, line.limit_fen, CreditLineStatusName(line.status));
  }

  Status InsertCreditLineEvent(const CreditLineEvent& e) override {
    return Exec("insert_credit_line_event", e.line_id, e.date.ToString(), e.kind, e.limit_before_fen,
                e.limit_after_fen, e.request_key, e.reason);
  }

  Result<std::vector<CreditLineEvent>> CreditLineEvents(int64_t line_id) override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::vector<CreditLineEvent>> {
      std::vector<CreditLineEvent> events;
      for (const pqxx::row& row : t.exec_prepared("credit_line_events", line_id)) {
        CreditLineEvent e;
        e.line_id = line_id;
        CREDO_ASSIGN_OR_RETURN(e.date, DateOf(row[0]));
        e.kind = row[1].c_str();
        e.limit_before_fen = row[2].as<int64_t>();
        e.limit_after_fen = row[3].as<int64_t>();
        e.request_key = row[4].c_str();
        e.reason = row[5].c_str();
        events.push_back(std::move(e));
      }
      return events;
    });
  }

  Result<int64_t> InsertEntry(const JournalEntry& entry) override {
    return Run([&](pqxx::transaction_base& t) -> Result<int64_t> {
      const int64_t id = t.exec_prepared("insert_entry", entry.kind, entry.loan_id,
                                         entry.business_date.ToString(), entry.request_key)[0][0]
                             .as<int64_t>();
      std::vector<std::string> accounts;
      std::vector<std::vector<int64_t>> rows;
      for (const JournalLine& l : entry.lines) {
        accounts.push_back(AccountName(l.account));
        rows.push_back({l.loan_id, l.debit_fen, l.credit_fen});
      }
      const std::vector<std::string> a = Columns(rows, 3);
      t.exec_prepared("insert_lines", id, TextArray(accounts), a[0], a[1], a[2]);
      return id;
    });
  }

  Result<std::vector<JournalEntry>> EntriesOfLoan(int64_t loan_id) override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::vector<JournalEntry>> {
      std::vector<JournalEntry> entries;
      for (const pqxx::row& row : t.exec_prepared("entries_of_loan", loan_id)) {
        const int64_t id = row[0].as<int64_t>();
        if (entries.empty() || entries.back().id != id) {
          JournalEntry entry;
          entry.id = id;
          entry.kind = row[1].c_str();
          entry.loan_id = loan_id;
          CREDO_ASSIGN_OR_RETURN(entry.business_date, DateOf(row[2]));
          entry.request_key = row[3].c_str();
          entries.push_back(std::move(entry));
        }
        JournalLine line;
        CREDO_ASSIGN_OR_RETURN(line.account, ParseAccount(row[4].c_str()));
        line.loan_id = row[5].as<int64_t>();
        line.debit_fen = row[6].as<int64_t>();
        line.credit_fen = row[7].as<int64_t>();
        entries.back().lines.push_back(line);
      }
      return entries;
    });
  }

  Result<std::vector<AccountTotals>> TotalsByAccount() override { return Totals("totals_by_account"); }

  Result<std::vector<AccountTotals>> TotalsByLoanAndAccount() override {
    return Totals("totals_by_loan_and_account");
  }

  Result<std::vector<EntryTotals>> FaultyEntries() override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::vector<EntryTotals>> {
      std::vector<EntryTotals> faulty;
      for (const pqxx::row& row : t.exec_prepared("faulty_entries")) {
        faulty.push_back({row[0].as<int64_t>(), row[1].as<int64_t>(), row[2].as<int64_t>(),
                          row[3].as<int64_t>(), row[4].as<int64_t>()});
      }
      return faulty;
    });
  }

  Result<std::optional<EodProgress>> LatestEodProgress() override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::optional<EodProgress>> {
      const pqxx::result r = t.exec_prepared("latest_eod_progress");
      if (r.empty()) return std::optional<EodProgress>();
      EodProgress p;
      CREDO_ASSIGN_OR_RETURN(p.business_date, DateOf(r[0][0]));
      if (!r[0][1].is_null()) {
        CREDO_ASSIGN_OR_RETURN(p.previous_date, DateOf(r[0][1]));
      }
      p.last_loan_id = r[0][2].as<int64_t>();
      p.completed = r[0][3].as<bool>();
      return std::optional<EodProgress>(p);
    });
  }

  Status SaveEodProgress(const EodProgress& p) override {
    const std::string previous = p.previous_date ? p.previous_date->ToString() : "";
    return Exec("save_eod_progress", p.business_date.ToString(),
                p.previous_date ? previous.c_str() : static_cast<const char*>(nullptr), p.last_loan_id,
                p.completed);
  }

  Result<std::optional<LoanAging>> LoadAging(int64_t loan_id) override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::optional<LoanAging>> {
      const pqxx::result r = t.exec_prepared("load_aging", loan_id);
      if (r.empty()) return std::optional<LoanAging>();
      LoanAging a;
      a.loan_id = loan_id;
      CREDO_ASSIGN_OR_RETURN(a.business_date, DateOf(r[0][0]));
      a.dpd_days = r[0][1].as<int>();
      a.bucket = r[0][2].c_str();
      return std::optional<LoanAging>(std::move(a));
    });
  }

  Result<std::map<int64_t, LoanAging>> LoadAgings(const std::vector<int64_t>& ids) override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::map<int64_t, LoanAging>> {
      std::map<int64_t, LoanAging> agings;
      for (const pqxx::row& row : t.exec_prepared("load_agings", IntArray(ids))) {
        LoanAging a;
        a.loan_id = row[0].as<int64_t>();
        CREDO_ASSIGN_OR_RETURN(a.business_date, DateOf(row[1]));
        a.dpd_days = row[2].as<int>();
        a.bucket = row[3].c_str();
        agings.emplace(a.loan_id, std::move(a));
      }
      return agings;
    });
  }

  Status SaveAging(const LoanAging& a) override {
    return Exec("save_aging", a.loan_id, a.business_date.ToString(), a.dpd_days, a.bucket);
  }

  Result<std::vector<std::pair<std::string, int64_t>>> CountActiveLoansByBucket() override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::vector<std::pair<std::string, int64_t>>> {
      std::vector<std::pair<std::string, int64_t>> counts;
      for (const pqxx::row& row : t.exec_prepared("count_active_loans_by_bucket")) {
        counts.emplace_back(row[0].c_str(), row[1].as<int64_t>());
      }
      return counts;
    });
  }

  Status InsertEodEvent(const EodEvent& e) override {
    return Exec("insert_eod_event", e.business_date.ToString(), e.loan_id, e.kind, e.detail);
  }

  Result<std::vector<EodEvent>> EodEventsOn(CivilDate business_date) override {
    return Run([&](pqxx::transaction_base& t) -> Result<std::vector<EodEvent>> {
      std::vector<EodEvent> events;
      for (const pqxx::row& row : t.exec_prepared("eod_events_on", business_date.ToString())) {
        events.push_back({business_date, row[0].as<int64_t>(), row[1].c_str(), row[2].c_str()});
      }
      return events;
    });
  }

 private:
  bool InTransaction() const { return transaction_ != nullptr; }

  // Runs `body` in a savepoint of `t`: when it fails (or throws), only its
  // own work is undone and `t` goes on. libpqxx's subtransaction would not
  // issue the SAVEPOINT before a prepared statement, so it is written out here.
  Status InSavepoint(pqxx::transaction_base& t, const std::function<Status()>& body) {
    t.exec("SAVEPOINT nested");
    const Status status = Guard(body);
    if (!status.ok()) t.exec("ROLLBACK TO SAVEPOINT nested");  // keeps the savepoint; RELEASE removes it
    t.exec("RELEASE SAVEPOINT nested");
    return status;
  }

  // Runs `query` on the open Transaction(), or, outside one, on its own
  // (autocommit, like a SQLite statement outside BEGIN); libpqxx's exceptions
  // become a Status.
  template <class Query>
  auto Run(Query&& query) -> decltype(query(std::declval<pqxx::transaction_base&>())) {
    return Guard([&]() -> decltype(query(std::declval<pqxx::transaction_base&>())) {
      if (transaction_ != nullptr) return query(*transaction_);
      pqxx::nontransaction autocommit(*connection_);
      return query(autocommit);
    });
  }

  // Runs prepared statement `name`, which returns no rows, with `args`.
  template <class... Args>
  Status Exec(const char* name, Args&&... args) {
    return Run([&](pqxx::transaction_base& t) -> Status {
      t.exec_prepared(name, std::forward<Args>(args)...);
      return Status::Ok();
    });
  }

  // The first column of every row of prepared statement `name`.
  template <class... Args>
  Result<std::vector<int64_t>> Ids(const char* name, Args&&... args) {
    return Run([&](pqxx::transaction_base& t) -> Result<std::vector<int64_t>> {
      std::vector<int64_t> ids;
      for (const pqxx::row& row : t.exec_prepared(name, std::forward<Args>(args)...)) {
        ids.push_back(row[0].as<int64_t>());
      }
      return ids;
    });
  }

  Result<std::vector<AccountTotals>> Totals(const char* name) {
    return Run([&](pqxx::transaction_base& t) -> Result<std::vector<AccountTotals>> {
      std::vector<AccountTotals> totals;
      for (const pqxx::row& row : t.exec_prepared(name)) {
        AccountTotals total;
        CREDO_ASSIGN_OR_RETURN(total.account, ParseAccount(row[0].c_str()));
        total.loan_id = row[1].as<int64_t>();
        total.debit_fen = row[2].as<int64_t>();
        total.credit_fen = row[3].as<int64_t>();
        totals.push_back(total);
      }
      return totals;
    });
  }

  // Stores `installments` as those of loan `loan_id`, in one statement.
  static void InsertInstallments(pqxx::transaction_base& t, int64_t loan_id,
                                 const std::vector<LoanInstallment>& installments) {
    std::vector<int64_t> numbers;
    std::vector<std::string> due_dates;
    std::vector<std::vector<int64_t>> rows;
    std::vector<bool> settled;
    for (const LoanInstallment& i : installments) {
      numbers.push_back(i.plan.number);
      due_dates.push_back(i.plan.due_date.ToString());
      const std::array<int64_t, 12> amounts = StoredAmounts(i);
      rows.emplace_back(amounts.begin(), amounts.end());
      settled.push_back(i.owed_fen() == 0);
    }
    const std::vector<std::string> a = Columns(rows, 12);
    t.exec_prepared("insert_installments", loan_id, IntArray(numbers), TextArray(due_dates), a[0], a[1], a[2],
                    a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], BoolArray(settled));
  }

  // Runs `work`, turning libpqxx's exceptions into a Status: a lost
  // connection is kIo, a duplicate key or a lost race kConflict.
  template <class Work>
  auto Guard(Work&& work) -> decltype(work()) {
    const std::string& where = address_.display;
    try {
      return work();
    } catch (const pqxx::broken_connection& e) {
      return Status::Io(std::string(kLabel) + "lost the connection to PostgreSQL: " +
                            Scrub(FirstLine(e.what()), address_.secrets),
                        where);
    } catch (const pqxx::in_doubt_error&) {
      return Status::Io(std::string(kLabel) +
                            "the connection broke during COMMIT; the transaction may or may "
                            "not have been committed",
                        where);
    } catch (const pqxx::unique_violation& e) {
      return Status(ErrorCode::kConflict, std::string(kLabel) + FirstLine(e.what()), where);
    } catch (const pqxx::transaction_rollback& e) {  // serialization failure, deadlock
      return Status(ErrorCode::kConflict, std::string(kLabel) + FirstLine(e.what()) + " (try again)", where);
    } catch (const pqxx::sql_error& e) {
      return Status::Internal(std::string(kLabel) + FirstLine(e.what()) + " [SQLSTATE " + e.sqlstate() +
                              "] at " + where);
    } catch (const std::exception& e) {
      return Status::Internal(std::string(kLabel) + Scrub(FirstLine(e.what()), address_.secrets) + " at " +
                              where);
    }
  }

  std::unique_ptr<pqxx::connection> connection_;
  ServerAddress address_;
  pqxx::transaction_base* transaction_ = nullptr;  // the open Transaction(), if any
};

}  // namespace

Result<std::unique_ptr<LedgerStore>> OpenPostgresStore(const std::string& uri) {
  CREDO_ASSIGN_OR_RETURN(ServerAddress address, DescribeUri(uri));
  std::unique_ptr<pqxx::connection> connection;
  try {
    connection = std::make_unique<pqxx::connection>(uri);
  } catch (const std::exception& e) {
    return Status::Io(
        std::string(kLabel) + "cannot connect to PostgreSQL: " + Scrub(FirstLine(e.what()), address.secrets),
        address.display);
  }
  auto store = std::make_unique<PostgresStore>(std::move(connection), std::move(address));
  CREDO_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<LedgerStore>(std::move(store));
}

}  // namespace credo::ledger
