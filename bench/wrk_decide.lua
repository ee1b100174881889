-- wrk script: POST the example cash-loan request to /v1/decide/{strategy}.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local file = io.open(os.getenv("CREDO_REQUEST") or "examples/strategies/cash_loan_request.json")
wrk.body = file:read("*a")
file:close()
