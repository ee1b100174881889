// Reading and writing the files commands take and produce.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/subcommands.h"

namespace credo::cli {

Result<nlohmann::json> ReadJsonInput(const std::string& path) {
  std::stringstream text;
  if (path.empty() || path == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound("cannot open input '" + path + "'");
    text << in.rdbuf();
  }
  const std::string where = path.empty() || path == "-" ? "stdin" : path;
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    return Status::Invalid(where + ": not valid JSON (" + std::string(e.what()) + ")");
  }
}

Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out || !(out << text) || !out.flush()) return Status::Io("cannot write", tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Io("cannot move into place: " + ec.message(), path);
  return Status::Ok();
}

}  // namespace credo::cli
