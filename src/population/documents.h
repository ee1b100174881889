// population/documents.h — one synthetic applicant as a JSON document with
// record lists (a line of `credo gen --documents`).
//
// The document holds applicant_id, observation_date (the application date),
// the flat columns of the population file under the same names (except
// `bureau_accounts`, the count, which is `bureau_accounts_count` because
// the record list has that name), the wide variables, `phone` and
// `device_id`, then the record lists bureau_accounts (each with its
// status_history), bureau_inquiries, previous_applications, installments,
// devices and contacts. Missing values are left out; lists are always
// present, empty when there are no records. docs/population.md shows one.
#pragma once

#include <span>

#include "data/json_builder.h"
#include "population/applicant.h"
#include "population/applicant_records.h"

namespace credo::population {

// Appends the document of `applicant` (with its wide variables and records)
// to `out` as one JSON object.
void AppendDocument(const Applicant& applicant, std::span<const double> wide, const ApplicantRecords& records,
                    data::JsonBuilder* out);

}  // namespace credo::population
