#include "lending/schedule_format.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/money.h"
#include "lending/offer.h"

namespace credo::lending {

nlohmann::json ScheduleToJson(const Schedule& schedule) {
  nlohmann::json installments = nlohmann::json::array();
  for (const Installment& row : schedule.installments) {
    installments.push_back({{"number", row.number},
                            {"due_date", row.due_date.ToString()},
                            {"principal", FormatMoneyFen(row.principal_fen)},
                            {"interest", FormatMoneyFen(row.interest_fen)},
                            {"fee", FormatMoneyFen(row.fee_fen)},
                            {"installment", FormatMoneyFen(row.installment_fen)},
                            {"remaining_principal", FormatMoneyFen(row.remaining_principal_fen)}});
  }
  return {{"installments", std::move(installments)}, {"apr_irr_bps", schedule.apr_irr_bps}};
}

std::string FormatScheduleTable(const Schedule& schedule) {
  const LoanTerms& terms = schedule.terms;
  std::string out;
  char line[256];
  auto money = [](int64_t fen) { return FormatMoneyFen(fen, true); };
  std::snprintf(line, sizeof line, "%s, %s over %d months from %s, interest %s a year, rounding %s\n",
                RepaymentMethodName(terms.method), money(terms.principal_fen).c_str(), terms.term_months,
                terms.start.ToString().c_str(), FormatBpsAsPercent(terms.interest_annual_bps).c_str(),
                RoundingModeName(terms.rounding));
  out += line;
  if (terms.flat_fee_annual_bps != 0) {
    out += "flat fee " + FormatBpsAsPercent(terms.flat_fee_annual_bps) +
           " of principal a year, charged monthly\n";
  }
  if (terms.upfront_fee_fen != 0) out += "upfront fee " + money(terms.upfront_fee_fen) + " at disbursement\n";
  if (terms.merchant_discount_fen != 0) {
    out += "merchant discount " + money(terms.merchant_discount_fen) + " (paid by the merchant)\n";
  }
  out += "\n";
  const char* row_format = "%4s  %-10s  %14s  %12s  %12s  %14s  %14s\n";
  std::snprintf(line, sizeof line, row_format, "#", "due date", "principal", "interest", "fee", "installment",
                "remaining");
  out += line;
  int64_t principal = 0, interest = 0, fee = 0, total = 0;
  for (const Installment& row : schedule.installments) {
    std::snprintf(line, sizeof line, row_format, std::to_string(row.number).c_str(),
                  row.due_date.ToString().c_str(), money(row.principal_fen).c_str(),
                  money(row.interest_fen).c_str(), money(row.fee_fen).c_str(),
                  money(row.installment_fen).c_str(), money(row.remaining_principal_fen).c_str());
    out += line;
    principal += row.principal_fen;
    interest += row.interest_fen;
    fee += row.fee_fen;
    total += row.installment_fen;
  }
  std::snprintf(line, sizeof line, row_format, "", "total", money(principal).c_str(), money(interest).c_str(),
                money(fee).c_str(), money(total).c_str(), "");
  std::string total_row = line;
  total_row.erase(total_row.find_last_not_of(' ', total_row.size() - 2) + 1, std::string::npos);
  out += total_row + "\n";
  out +=
      "\nAPR (IRR method, all fees included, monthly IRR x 12): " + FormatBpsAsPercent(schedule.apr_irr_bps) +
      "\n";
  return out;
}

}  // namespace credo::lending
