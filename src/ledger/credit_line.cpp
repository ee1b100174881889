// Revolving credit lines (docs/lending.md, "Credit lines"): opening, limit
// and status changes (each an event), and draws, which open loans through
// the same path as OpenLoan.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/money.h"
#include "ledger/ledger.h"
#include "ledger/posting.h"

namespace credo::ledger {
namespace {

using nlohmann::json;

Result<CreditLineRecord> LoadLine(LedgerStore& store, int64_t line_id) {
  CREDO_ASSIGN_OR_RETURN(std::optional<CreditLineRecord> line, store.LoadCreditLine(line_id));
  if (!line) return Status::NotFound("no credit line " + std::to_string(line_id), "line");
  return std::move(*line);
}

// `view` showing `line` (the same line after a change of limit or status,
// which leaves its loans as they were): what is left to draw follows.
CreditLineView WithLine(CreditLineView view, const CreditLineRecord& line) {
  view.line = line;
  view.available_fen = line.status == CreditLineStatus::kActive
                           ? std::max<int64_t>(0, line.limit_fen - view.outstanding_principal_fen)
                           : 0;
  return view;
}

// `line` with its loans, what they owe in principal and what is left to draw.
Result<CreditLineView> ViewOf(LedgerStore& store, const CreditLineRecord& line) {
  CreditLineView view;
  CREDO_ASSIGN_OR_RETURN(view.loan_ids, store.LoansOfCreditLine(line.id));
  CREDO_ASSIGN_OR_RETURN(const std::vector<LoanRecord> loans, store.LoadLoans(view.loan_ids));
  for (const LoanRecord& loan : loans) {
    if (loan.status == LoanStatus::kActive) view.outstanding_principal_fen += PrincipalOwedFen(loan);
  }
  return WithLine(std::move(view), line);
}

Result<CreditLineView> ViewOf(LedgerStore& store, int64_t line_id) {
  CREDO_ASSIGN_OR_RETURN(const CreditLineRecord line, LoadLine(store, line_id));
  return ViewOf(store, line);
}

// What a line request stores under its key: the line's id ({"line_id"}); a
// replay shows the line as it is now.
json LineIdJson(const CreditLineView& view) { return {{"line_id", view.line.id}}; }
Result<CreditLineView> Replayed(LedgerStore& store, const json& stored) {
  CREDO_ASSIGN_OR_RETURN(CreditLineView view, ViewOf(store, stored.at("line_id").get<int64_t>()));
  view.replayed = true;
  return view;
}

Status CheckLimit(int64_t limit_fen, const char* path) {
  if (limit_fen <= 0 || limit_fen > lending::kMaxPrincipalFen) {
    return Status::Invalid(
        "the limit must be more than 0 and at most " + FormatMoneyFen(lending::kMaxPrincipalFen), path);
  }
  return Status::Ok();
}

// Applies a limit change to `line` (its view `view`); returns the event's kind.
Result<std::string> Apply(const LimitChangeRequest& r, const CreditLineView& view, CreditLineRecord& line) {
  if (line.status == CreditLineStatus::kClosed)
    return Conflict("credit line " + std::to_string(line.id) + " is closed", "line");
  if (r.kind == "raise" || r.kind == "cut") {
    CREDO_RETURN_IF_ERROR(CheckLimit(r.new_limit_fen, "new_limit"));
    const bool raise = r.kind == "raise";
    if (raise ? r.new_limit_fen <= line.limit_fen : r.new_limit_fen >= line.limit_fen) {
      return Status::Invalid("a " + r.kind + " must make the limit " + (raise ? "higher" : "lower") +
                                 " than " + FormatMoneyFen(line.limit_fen),
                             "new_limit");
    }
    if (raise && r.check_raise) CREDO_RETURN_IF_ERROR(r.check_raise(line, r.new_limit_fen));
    line.limit_fen = r.new_limit_fen;
    return std::string(raise ? "raised" : "cut");
  }
  if (r.kind == "freeze" || r.kind == "unfreeze") {
    const bool freeze = r.kind == "freeze";
    const CreditLineStatus from = freeze ? CreditLineStatus::kActive : CreditLineStatus::kFrozen;
    if (line.status != from) {
      return Conflict("credit line " + std::to_string(line.id) + " is " + CreditLineStatusName(line.status),
                      "line");
    }
    line.status = freeze ? CreditLineStatus::kFrozen : CreditLineStatus::kActive;
    return std::string(freeze ? "frozen" : "unfrozen");
  }
  if (r.kind == "close") {
    if (view.outstanding_principal_fen > 0) {
      return Conflict("credit line " + std::to_string(line.id) + " still has " +
                          FormatMoneyFen(view.outstanding_principal_fen) + " of principal outstanding",
                      "line");
    }
    line.status = CreditLineStatus::kClosed;
    return std::string("closed");
  }
  return Status::Invalid("unknown limit change '" + r.kind + "' (raise, cut, freeze, unfreeze, close)",
                         "kind");
}

}  // namespace

Result<CreditLineView> Ledger::OpenCreditLine(const OpenCreditLineRequest& request) {
  if (request.customer_id.empty()) return Status::Invalid("a customer id is required", "customer_id");
  if (request.product.empty()) return Status::Invalid("a product is required", "product");
  CREDO_RETURN_IF_ERROR(CheckLimit(request.limit_fen, "limit"));
  const std::string fingerprint =
      "line-open customer=" + request.customer_id + " product=" + request.product +
      " limit_fen=" + std::to_string(request.limit_fen) + " date=" + request.date.ToString();
  return PostOnce<CreditLineView>(
      store_, request.request_key, fingerprint, [&](const json& stored) { return Replayed(store_, stored); },
      [&]() -> Result<CreditLineView> {
        CreditLineRecord line{
            0,           request.customer_id, request.product, request.limit_fen, CreditLineStatus::kActive,
            request.date};
        CREDO_ASSIGN_OR_RETURN(line.id, store_.InsertCreditLine(line));
        CREDO_RETURN_IF_ERROR(store_.InsertCreditLineEvent(
            {line.id, request.date, "opened", 0, line.limit_fen, request.request_key, ""}));
        return WithLine(CreditLineView{}, line);  // nothing drawn yet
      },
      LineIdJson);
}

Result<CreditLineView> Ledger::GetCreditLine(int64_t line_id) { return ViewOf(store_, line_id); }

Result<CreditLineView> Ledger::ChangeCreditLimit(const LimitChangeRequest& request) {
  const std::string fingerprint = "line-change line=" + std::to_string(request.line_id) +
                                  " kind=" + request.kind +
                                  " new_limit_fen=" + std::to_string(request.new_limit_fen) +
                                  " date=" + request.date.ToString() + " reason=" + request.reason;
  return PostOnce<CreditLineView>(
      store_, request.request_key, fingerprint, [&](const json& stored) { return Replayed(store_, stored); },
      [&]() -> Result<CreditLineView> {
        CREDO_ASSIGN_OR_RETURN(CreditLineRecord line, LoadLine(store_, request.line_id));
        CREDO_ASSIGN_OR_RETURN(const CreditLineView before, ViewOf(store_, line));
        CREDO_ASSIGN_OR_RETURN(const std::string kind, Apply(request, before, line));
        CREDO_RETURN_IF_ERROR(store_.UpdateCreditLine(line));
        CREDO_RETURN_IF_ERROR(
            store_.InsertCreditLineEvent({line.id, request.date, kind, before.line.limit_fen, line.limit_fen,
                                          request.request_key, request.reason}));
        return WithLine(before, line);
      },
      LineIdJson);
}

Result<OpenLoanResult> Ledger::Draw(const DrawRequest& request) {
  OpenLoanResult result;
  CREDO_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    CREDO_ASSIGN_OR_RETURN(const CreditLineRecord line, LoadLine(store_, request.line_id));
    const OpenLoanRequest open{request.request_key, line.product, request.schedule, line.customer_id};
    auto admit = [&]() -> Status {
      CREDO_ASSIGN_OR_RETURN(const CreditLineView view, ViewOf(store_, line));
      if (line.status != CreditLineStatus::kActive) {
        return Conflict("credit line " + std::to_string(line.id) + " is " + CreditLineStatusName(line.status),
                        "line");
      }
      const int64_t principal_fen = request.schedule.terms.principal_fen;
      if (principal_fen > view.available_fen) {
        return Conflict("the draw " + FormatMoneyFen(principal_fen) + " is above the available limit " +
                            FormatMoneyFen(view.available_fen),
                        "amount");
      }
      return Status::Ok();
    };
    CREDO_ASSIGN_OR_RETURN(result, PostDisbursement(open, line.id, admit));
    return Status::Ok();
  }));
  return result;
}

}  // namespace credo::ledger
