// Revolving credit lines: opening, draws within the available limit, the
// limit restored as principal is repaid, limit changes as events, and
// idempotent requests. Figures are worked by hand in the comments.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ledger_fixture.h"

namespace credo::ledger {
namespace {

class CreditLineTest : public LedgerFixture {
 protected:
  // A 10,000.00 line for customer c-9, drawing on the "cash" product.
  int64_t OpenLine() {
    Result<CreditLineView> line =
        ledger_->OpenCreditLine({"line", "c-9", "cash", 1'000'000, Date("2026-01-10")});
    EXPECT_TRUE(line.ok()) << line.status().ToString();
    return line->line.id;
  }
  CreditLineView View(int64_t line) {
    Result<CreditLineView> view = ledger_->GetCreditLine(line);
    EXPECT_TRUE(view.ok()) << view.status().ToString();
    return view.ok() ? *view : CreditLineView{};
  }
  Status Change(int64_t line, const std::string& key, const std::string& kind, int64_t new_limit_fen = 0) {
    return ledger_->ChangeCreditLimit({key, line, kind, new_limit_fen, Date("2026-02-01"), "review"})
        .status();
  }
  std::vector<std::string> EventKinds(int64_t line) {
    std::vector<std::string> kinds;
    for (const CreditLineEvent& e : *store_->CreditLineEvents(line)) kinds.push_back(e.kind);
    return kinds;
  }
};

TEST_F(CreditLineTest, ADrawIsALoanOfTheLinesCustomerAndUsesTheLimit) {
  const int64_t line = OpenLine();
  EXPECT_EQ(View(line).available_fen, 1'000'000);
  Result<OpenLoanResult> drawn = ledger_->Draw({"draw-1", line, PlainLoan(270000, 12, 2000)});
  ASSERT_TRUE(drawn.ok()) << drawn.status().ToString();
  const LoanRecord loan = Loan(drawn->loan_id);
  EXPECT_EQ(loan.credit_line_id, line);
  EXPECT_EQ(loan.customer_id, "c-9");
  EXPECT_EQ(loan.product, "cash");
  // 10,000.00 − 2,700.00 = 7,300.00 left.
  CreditLineView view = View(line);
  EXPECT_EQ(view.outstanding_principal_fen, 270000);
  EXPECT_EQ(view.available_fen, 730000);
  EXPECT_EQ(view.loan_ids, std::vector<int64_t>{drawn->loan_id});
  // Installment 1 (250.11) repays 205.11 of principal: 7,300.00 + 205.11 available.
  ASSERT_TRUE(ledger_->Repay({"pay-1", drawn->loan_id, 25011, Date("2026-02-15")}).ok());
  EXPECT_EQ(View(line).available_fen, 730000 + 20511);
  ExpectCheckOk();
}

TEST_F(CreditLineTest, ADrawAboveTheAvailableLimitIsRefusedAndPostsNothing) {
  const int64_t line = OpenLine();
  ASSERT_TRUE(ledger_->Draw({"draw-1", line, PlainLoan(600000, 12, 2000)}).ok());
  const int64_t entries = EntryCount();
  // 4,000.00 left: 4,000.01 is refused, 4,000.00 is not.
  const Status over = ledger_->Draw({"draw-2", line, PlainLoan(400001, 12, 2000)}).status();
  EXPECT_EQ(over.code(), ErrorCode::kConflict);
  EXPECT_EQ(over.path(), "amount");
  EXPECT_EQ(EntryCount(), entries);
  EXPECT_EQ(store_->LoanIds()->size(), 1u);
  EXPECT_TRUE(ledger_->Draw({"draw-3", line, PlainLoan(400000, 12, 2000)}).ok());
  EXPECT_EQ(View(line).available_fen, 0);
  EXPECT_EQ(ledger_->Draw({"draw-4", 999, PlainLoan(1000, 1, 0)}).status().code(), ErrorCode::kNotFound);
  ExpectCheckOk();
}

TEST_F(CreditLineTest, RepeatingADrawReturnsTheSameLoan) {
  const int64_t line = OpenLine();
  Result<OpenLoanResult> first = ledger_->Draw({"draw", line, PlainLoan(270000, 12, 2000)});
  ASSERT_TRUE(first.ok());
  const int64_t entries = EntryCount();
  Result<OpenLoanResult> again = ledger_->Draw({"draw", line, PlainLoan(270000, 12, 2000)});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->loan_id, first->loan_id);
  EXPECT_EQ(EntryCount(), entries);
  EXPECT_EQ(View(line).available_fen, 730000);
  // The same key for another amount, or for a plain loan, is a conflict.
  EXPECT_EQ(ledger_->Draw({"draw", line, PlainLoan(100000, 12, 2000)}).status().code(), ErrorCode::kConflict);
  EXPECT_EQ(ledger_->OpenLoan({"draw", "cash", PlainLoan(270000, 12, 2000), "c-9"}).status().code(),
            ErrorCode::kConflict);
  // Opening the line again with its key returns it; no second line.
  Result<CreditLineView> reopened =
      ledger_->OpenCreditLine({"line", "c-9", "cash", 1'000'000, Date("2026-01-10")});
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->line.id, line);
  EXPECT_EQ(EventKinds(line), std::vector<std::string>{"opened"});
}

TEST_F(CreditLineTest, LimitChangesAreEventsAndGovernDraws) {
  const int64_t line = OpenLine();
  ASSERT_TRUE(ledger_->Draw({"draw-1", line, PlainLoan(300000, 6, 1200)}).ok());
  // Frozen: nothing available, draws refused.
  ASSERT_TRUE(Change(line, "freeze", "freeze").ok());
  EXPECT_EQ(View(line).available_fen, 0);
  EXPECT_EQ(ledger_->Draw({"draw-2", line, PlainLoan(1000, 1, 0)}).status().code(), ErrorCode::kConflict);
  EXPECT_EQ(Change(line, "freeze-2", "freeze").code(), ErrorCode::kConflict);
  ASSERT_TRUE(Change(line, "unfreeze", "unfreeze").ok());
  EXPECT_EQ(View(line).available_fen, 700000);
  // Cut below what is drawn: available 0, never negative.
  ASSERT_TRUE(Change(line, "cut", "cut", 200000).ok());
  EXPECT_EQ(View(line).available_fen, 0);
  EXPECT_EQ(Change(line, "cut-up", "cut", 500000).path(), "new_limit");
  // Raised to 20,000.00: 20,000.00 − 3,000.00 = 17,000.00.
  ASSERT_TRUE(Change(line, "raise", "raise", 2'000'000).ok());
  EXPECT_EQ(View(line).available_fen, 1'700'000);
  EXPECT_EQ(Change(line, "raise-down", "raise", 100).path(), "new_limit");
  EXPECT_EQ(Change(line, "bogus", "double").path(), "kind");
  // Closing waits until nothing is outstanding.
  EXPECT_EQ(Change(line, "close", "close").code(), ErrorCode::kConflict);
  const int64_t loan = View(line).loan_ids.at(0);
  Result<PayoffQuote> quote = ledger_->QuotePayoff(loan, Date("2026-01-15"));
  ASSERT_TRUE(quote.ok());
  ASSERT_TRUE(
      ledger_->Prepay({"payoff", loan, quote->total_fen, Date("2026-01-15"), PrepaymentMode::kPayoff}).ok());
  ASSERT_TRUE(Change(line, "close-2", "close").ok());
  EXPECT_EQ(Change(line, "raise-3", "raise", 3'000'000).code(), ErrorCode::kConflict);
  EXPECT_EQ(EventKinds(line),
            (std::vector<std::string>{"opened", "frozen", "unfrozen", "cut", "raised", "closed"}));
  // A repeated change is replayed, not applied twice.
  EXPECT_TRUE(Change(line, "raise", "raise", 2'000'000).ok());
  EXPECT_EQ(EventKinds(line).size(), 6u);
  ExpectCheckOk();
}

TEST_F(CreditLineTest, ARaiseIsCheckedOnlyWhenItIsNew) {
  const int64_t line = OpenLine();  // 10,000.00
  int asked = 0;
  int64_t max_limit_fen = 5'000'000;  // as a product allowing 50,000.00
  LimitChangeRequest raise{"raise-1", line, "raise", 5'000'001, Date("2026-02-01"), "review"};
  raise.check_raise = [&](const CreditLineRecord& of, int64_t new_limit_fen) -> Status {
    ++asked;
    EXPECT_EQ(of.id, line);
    return new_limit_fen <= max_limit_fen ? Status::Ok() : Status::Invalid("over the maximum", "limit");
  };
  // Refused by the check: its error, nothing recorded.
  const Status over = ledger_->ChangeCreditLimit(raise).status();
  EXPECT_EQ(over.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(over.path(), "limit");
  EXPECT_EQ(View(line).line.limit_fen, 1'000'000);
  // Allowed: raised.
  raise.request_key = "raise-2";
  raise.new_limit_fen = 5'000'000;
  ASSERT_TRUE(ledger_->ChangeCreditLimit(raise).ok());
  EXPECT_EQ(View(line).line.limit_fen, 5'000'000);
  EXPECT_EQ(asked, 2);
  // A replay answers as first answered without asking: a product that has
  // lowered its maximum since changes nothing.
  max_limit_fen = 2'000'000;
  Result<CreditLineView> replayed = ledger_->ChangeCreditLimit(raise);
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  EXPECT_TRUE(replayed->replayed);
  EXPECT_EQ(asked, 2);
  // A check that cannot be made refuses a new raise.
  raise.request_key = "raise-3";
  raise.new_limit_fen = 6'000'000;
  raise.check_raise = [](const CreditLineRecord&, int64_t) {
    return Status(ErrorCode::kConflict, "no such product", "id");
  };
  EXPECT_EQ(ledger_->ChangeCreditLimit(raise).status().code(), ErrorCode::kConflict);
  // Cuts are never checked.
  LimitChangeRequest cut{"cut-1", line, "cut", 4'000'000, Date("2026-02-02"), ""};
  cut.check_raise = raise.check_raise;
  EXPECT_TRUE(ledger_->ChangeCreditLimit(cut).ok());
  EXPECT_EQ(EventKinds(line), (std::vector<std::string>{"opened", "raised", "cut"}));
  ExpectCheckOk();
}

TEST_F(CreditLineTest, OpeningALineChecksItsRequest) {
  EXPECT_EQ(ledger_->OpenCreditLine({"a", "", "cash", 1000, Date("2026-01-10")}).status().path(),
            "customer_id");
  EXPECT_EQ(ledger_->OpenCreditLine({"b", "c", "", 1000, Date("2026-01-10")}).status().path(), "product");
  EXPECT_EQ(ledger_->OpenCreditLine({"c", "c", "cash", 0, Date("2026-01-10")}).status().path(), "limit");
  EXPECT_EQ(ledger_->OpenCreditLine({"", "c", "cash", 1000, Date("2026-01-10")}).status().path(),
            "request_key");
  EXPECT_EQ(ledger_->GetCreditLine(1).status().code(), ErrorCode::kNotFound);
}

TEST_F(CreditLineTest, TheDisbursementCheckCanRefuseADraw) {
  const int64_t line = OpenLine();
  std::vector<std::string> seen;
  ledger_->SetDisbursementCheck([&](const OpenLoanRequest& r) {
    seen.push_back(r.customer_id + " " + r.product);
    return r.schedule.terms.principal_fen > 500000 ? Status(ErrorCode::kConflict, "declined") : Status::Ok();
  });
  EXPECT_EQ(ledger_->Draw({"big", line, PlainLoan(600000, 12, 2000)}).status().code(), ErrorCode::kConflict);
  EXPECT_TRUE(ledger_->Draw({"small", line, PlainLoan(100000, 12, 2000)}).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"c-9 cash", "c-9 cash"}));
  EXPECT_EQ(View(line).available_fen, 900000);
  ExpectCheckOk();
}

}  // namespace
}  // namespace credo::ledger
