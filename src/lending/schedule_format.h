// lending/schedule_format.h — a schedule as JSON (the CLI's --json, the API)
// and as a text table for the terminal.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "lending/schedule.h"

namespace credo::lending {

// {"installments": [{"number", "due_date", "principal", "interest", "fee",
// "installment", "remaining_principal"}], "apr_irr_bps"}, amounts as decimal
// strings ("225.45") so no reader turns them into floating point.
nlohmann::json ScheduleToJson(const Schedule& schedule);

// The terms, one row per installment, the totals and the APR, as aligned text.
std::string FormatScheduleTable(const Schedule& schedule);

}  // namespace credo::lending
