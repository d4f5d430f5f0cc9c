#ifndef OFAB_FABRIC_APP_TEXT_FILES_H
#define OFAB_FABRIC_APP_TEXT_FILES_H

#include <string>
#include <vector>

namespace ofab
{

/// A CSV file as the sweep index writes it: a header, then rows of text cells.
struct CsvTable
{
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
    int Column(const std::string& name) const; ///< -1 when absent
};

/// Reads a CSV file (RFC 4180 quoting); std::runtime_error naming the file and line when malformed.
CsvTable ReadCsv(const std::string& path);

/// `text` quoted for a POSIX shell.
std::string ShellQuote(const std::string& text);

/// Writes `text` to `path` through a temporary file and a rename; std::runtime_error on failure.
void WriteFileAtomically(const std::string& path, const std::string& text);

/// The shortest text that reads back as the same double ("" for NaN).
std::string FormatNumber(double value);

/// A cell of a CSV file, quoted when it holds a comma, a quote or a line break.
std::string CsvCell(const std::string& text);

} // namespace ofab

#endif
