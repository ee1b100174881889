#include "lending/apr.h"

#include <cassert>
#include <cmath>

namespace credo::lending {
namespace {

// Present value of the payments at monthly rate i, less the cash received:
// decreasing in i on (-1, inf).
long double NetPresentValue(long double i, long double cash_received, const std::vector<int64_t>& payments) {
  const long double discount = 1.0L / (1.0L + i);
  long double value = 0;
  for (auto it = payments.rbegin(); it != payments.rend(); ++it) value = (value + *it) * discount;
  return value - cash_received;
}

}  // namespace

int64_t IrrAprBps(int64_t cash_received_fen, const std::vector<int64_t>& payments_fen) {
  assert(cash_received_fen > 0 && !payments_fen.empty());
  const long double cash = cash_received_fen;
  long double low = -1.0L + 1e-9L;  // the value tends to +inf as i -> -1
  long double high = 1.0L;
  while (NetPresentValue(high, cash, payments_fen) > 0) high *= 2;
  for (int step = 0; step < 200 && high - low > 1e-18L; ++step) {
    const long double mid = (low + high) / 2;
    (NetPresentValue(mid, cash, payments_fen) > 0 ? low : high) = mid;
  }
  return std::llround((low + high) / 2 * 12 * 10000);
}

}  // namespace credo::lending
