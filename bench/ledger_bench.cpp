// Ledger figures (issue 5): the end-of-day batch over a large book, and
// repayments per second posted one per commit against many per commit, on
// SQLite or PostgreSQL (`--db FILE` or `--db postgresql://...`).
//
//   ledger_bench eod   --db FILE --loans 1000000 [--days 40] [--applicants gen.csv]
//   ledger_bench repay --db FILE --loans 20000 [--batch 1000]
//
// `eod` opens a book of cash loans (equal installments, 20% a year,
// disbursed on the 28 days of February 2026): with `--applicants` (a file
// of `credo gen`) one per applicant, for its requested amount and term, and
// the applicants labelled bad never pay; otherwise 12-month loans of
// 1,000–5,000 yuan of which every 20th never pays. It then runs business
// days from 2026-03-01: each day the paying borrowers with an installment
// due pay it (posted in batches, as a bank settlement file is), and the
// end-of-day batch runs. It
// prints each day's batch time and loans with work; the figure is the
// slowest day. `repay` opens a book and times one installment's repayment
// per loan, first one transaction each, then `--batch` per transaction.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "data/table.h"
#include "ledger/ledger.h"
#include "ledger/open_store.h"
#include "lending/offer.h"

namespace credo::ledger {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void Fail(const Status& status) {
  std::fprintf(stderr, "ledger_bench: %s\n", status.ToString().c_str());
  std::exit(2);
}

template <class T>
T Must(Result<T> result) {
  if (!result.ok()) Fail(result.status());
  return std::move(*result);
}

struct Options {
  std::string mode;
  std::string db;
  int64_t loans = 100'000;
  int days = 40;
  size_t batch = 1000;
  std::string applicants;
};

Options ParseOptions(int argc, char** argv) {
  Options o;
  if (argc < 2)
    Fail(Status::Usage("usage: ledger_bench eod|repay --db FILE|URI [--loans N] [--days D] [--batch B]"));
  o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--db")
      o.db = value;
    else if (flag == "--loans")
      o.loans = std::stoll(value);
    else if (flag == "--days")
      o.days = std::stoi(value);
    else if (flag == "--batch")
      o.batch = std::stoul(value);
    else if (flag == "--applicants")
      o.applicants = value;
    else
      Fail(Status::Usage("unknown flag " + flag));
  }
  if (o.db.empty()) Fail(Status::Usage("--db is required"));
  return o;
}

const CivilDate kFirstDay = *CivilDate::Parse("2026-03-01");

// One loan of the book: who borrows, how much, for how long, and whether
// they will pay.
struct BookLoan {
  std::string customer_id;
  int64_t principal_fen = 0;
  int term_months = 12;
  bool defaults = false;
};

// The synthetic book: 1,000.00 ... 5,000.00 yuan over 12 months; every 20th never pays.
std::vector<BookLoan> SyntheticBook(int64_t count) {
  std::vector<BookLoan> book(static_cast<size_t>(count));
  for (int64_t n = 0; n < count; ++n) {
    book[static_cast<size_t>(n)] = {"c" + std::to_string(n), 100'000 + (n * 7919 % 41) * 10'000, 12,
                                    n % 20 == 7};
  }
  return book;
}

// Up to `count` applicants of a `credo gen` file: requested_amount (yuan),
// requested_term_months and the bad label.
std::vector<BookLoan> ApplicantBook(const std::string& path, int64_t count) {
  data::ReadOptions options;
  options.only_columns = {"applicant_id", "requested_amount", "requested_term_months", "bad"};
  options.column_types = {{"applicant_id", data::ColumnType::kCategorical}};
  options.max_rows = static_cast<size_t>(count);
  const data::Table table = Must(data::ReadCsv(path, options));
  const data::Column& id = table.column(0);
  std::vector<BookLoan> book;
  for (size_t row = 0; row < table.num_rows(); ++row) {
    book.push_back({id.ValueText(row), std::llround(table.column(1).numbers[row] * 100),
                    static_cast<int>(table.column(2).numbers[row]), table.column(3).numbers[row] == 1});
  }
  return book;
}

// The schedule of loan `n` of the book (cached by amount, term and start day).
const lending::Schedule& ScheduleOf(const std::vector<BookLoan>& book, int64_t n) {
  static std::map<std::tuple<int64_t, int, int64_t>, lending::Schedule> cache;
  const BookLoan& loan = book[static_cast<size_t>(n)];
  const int64_t day = n % 28;
  auto [it, added] = cache.try_emplace({loan.principal_fen, loan.term_months, day});
  if (added) {
    lending::OfferRequest request;
    request.principal_fen = loan.principal_fen;
    request.term_months = loan.term_months;
    request.rate_bps = 2000;
    request.start = kFirstDay.AddDays(static_cast<int32_t>(-28 + day));  // 02-01 .. 02-28
    const lending::LoanTerms terms =
        Must(lending::PlainTerms(lending::RepaymentMethod::kEqualInstallment, request));
    it->second = Must(lending::BuildSchedule(terms));
  }
  return it->second;
}

// Opens the book's loans, `batch` per commit; returns their ids.
std::vector<int64_t> OpenBook(LedgerStore& store, Ledger& ledger, const std::vector<BookLoan>& book,
                              size_t batch) {
  const auto count = static_cast<int64_t>(book.size());
  std::vector<int64_t> ids;
  ids.reserve(static_cast<size_t>(count));
  const auto start = Clock::now();
  for (int64_t first = 0; first < count; first += static_cast<int64_t>(batch)) {
    const int64_t last = std::min(count, first + static_cast<int64_t>(batch));
    const Status status = store.Transaction([&]() -> Status {
      for (int64_t n = first; n < last; ++n) {
        OpenLoanRequest request{"open-" + std::to_string(n), "plain", ScheduleOf(book, n),
                                book[static_cast<size_t>(n)].customer_id};
        CREDO_ASSIGN_OR_RETURN(const OpenLoanResult opened, ledger.OpenLoan(request));
        ids.push_back(opened.loan_id);
      }
      return Status::Ok();
    });
    if (!status.ok()) Fail(status);
    if ((last / static_cast<int64_t>(batch)) % 100 == 0 || last == count) {
      std::fprintf(stderr, "\ropened %lld/%lld loans (%.0f/s)", static_cast<long long>(last),
                   static_cast<long long>(count), static_cast<double>(last) / SecondsSince(start));
    }
  }
  std::fprintf(stderr, "\n");
  std::printf("open: %lld loans in %.1f s (%.0f loans/s, %zu per commit)\n", static_cast<long long>(count),
              SecondsSince(start), static_cast<double>(count) / SecondsSince(start), batch);
  return ids;
}

void RunEod(const Options& o) {
  std::unique_ptr<LedgerStore> store = Must(OpenLedgerStore(o.db));
  Ledger ledger(*store);
  const std::vector<BookLoan> book =
      o.applicants.empty() ? SyntheticBook(o.loans) : ApplicantBook(o.applicants, o.loans);
  const std::vector<int64_t> ids = OpenBook(*store, ledger, book, o.batch);
  const auto count = static_cast<int64_t>(book.size());
  double slowest = 0;
  double total = 0;
  for (int d = 0; d < o.days; ++d) {
    const CivilDate date = kFirstDay.AddDays(d);
    // The day's settlement file: the installment due today of every paying borrower.
    std::vector<RepaymentRequest> paid;
    for (int64_t n = 0; n < count; ++n) {
      if (book[static_cast<size_t>(n)].defaults) continue;
      const lending::Schedule& s = ScheduleOf(book, n);
      for (const lending::Installment& i : s.installments) {
        if (i.due_date == date) {
          paid.push_back({"pay-" + std::to_string(n) + "-" + std::to_string(i.number),
                          ids[static_cast<size_t>(n)], i.installment_fen, date});
        }
      }
    }
    const auto pay_start = Clock::now();
    for (size_t first = 0; first < paid.size(); first += o.batch) {
      const std::vector<RepaymentRequest> part(
          paid.begin() + static_cast<std::ptrdiff_t>(first),
          paid.begin() + static_cast<std::ptrdiff_t>(std::min(paid.size(), first + o.batch)));
      Must(ledger.RepayMany(part));
    }
    const double pay_seconds = SecondsSince(pay_start);
    const auto eod_start = Clock::now();
    const EodSummary s = Must(ledger.RunEndOfDay(date));
    const double eod_seconds = SecondsSince(eod_start);
    slowest = std::max(slowest, eod_seconds);
    total += eod_seconds;
    std::printf(
        "%s: %zu repayments in %.2f s; end of day %.2f s, %lld loans with work, M0 %lld M1 %lld M2 %lld, "
        "penalty "
        "%lld fen\n",
        date.ToString().c_str(), paid.size(), pay_seconds, eod_seconds,
        static_cast<long long>(s.loans_processed), static_cast<long long>(s.loans_by_bucket[0]),
        static_cast<long long>(s.loans_by_bucket[1]), static_cast<long long>(s.loans_by_bucket[2]),
        static_cast<long long>(s.penalty_fen));
    std::fflush(stdout);
  }
  std::printf("end of day on %lld loans: slowest day %.2f s, mean %.2f s over %d days\n",
              static_cast<long long>(count), slowest, total / o.days, o.days);
}

void RunRepay(const Options& o) {
  std::unique_ptr<LedgerStore> store = Must(OpenLedgerStore(o.db));
  Ledger ledger(*store);
  const std::vector<BookLoan> book = SyntheticBook(o.loans);
  const std::vector<int64_t> ids = OpenBook(*store, ledger, book, o.batch);
  // Installment 1 of the first half one per commit, of the second half `batch` per commit.
  const size_t half = ids.size() / 2;
  auto request = [&](size_t k) {
    const lending::Installment& i = ScheduleOf(book, static_cast<int64_t>(k)).installments[0];
    return RepaymentRequest{"pay-" + std::to_string(k), ids[k], i.installment_fen, i.due_date};
  };
  auto start = Clock::now();
  for (size_t k = 0; k < half; ++k) Must(ledger.Repay(request(k)));
  const double single = static_cast<double>(half) / SecondsSince(start);
  start = Clock::now();
  for (size_t first = half; first < ids.size(); first += o.batch) {
    std::vector<RepaymentRequest> part;
    for (size_t k = first; k < std::min(ids.size(), first + o.batch); ++k) part.push_back(request(k));
    Must(ledger.RepayMany(part));
  }
  const double batched = static_cast<double>(ids.size() - half) / SecondsSince(start);
  std::printf("repayments: %.0f/s one per commit, %.0f/s %zu per commit (%.1fx)\n", single, batched, o.batch,
              batched / single);
}

}  // namespace
}  // namespace credo::ledger

int main(int argc, char** argv) {
  const credo::ledger::Options o = credo::ledger::ParseOptions(argc, argv);
  if (o.mode == "eod")
    credo::ledger::RunEod(o);
  else if (o.mode == "repay")
    credo::ledger::RunRepay(o);
  else
    credo::ledger::Fail(credo::Status::Usage("mode must be eod or repay"));
  return 0;
}
