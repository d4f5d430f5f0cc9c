#ifndef OFAB_TESTS_FABRIC_APP_RUN_TEST_UTIL_H
#define OFAB_TESTS_FABRIC_APP_RUN_TEST_UTIL_H

// What the `ofab run` tests share: scratch paths, running the program (OFAB_BINARY) with its exit
// code and output, and reading back its summary JSON and trace.

#include "ofab/fabric/trace/hdf5-table.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace ofab
{
namespace runtest
{

inline std::string
Scratch(const std::string& name)
{
    return "/tmp/ofab-run-test-" + std::to_string(getpid()) + "-" + name;
}

inline int
Run(const std::string& args, std::string* err = nullptr)
{
    const std::string errFile = Scratch("stderr");
    const int status = std::system((std::string(OFAB_BINARY) + " " + args + " >/dev/null 2>" + errFile).c_str());
    if (err)
    {
        std::ifstream in(errFile);
        std::ostringstream s;
        s << in.rdbuf();
        *err = s.str();
    }
    std::remove(errFile.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// Runs ofab with `args`; its stdout in *out, its stderr in *err.
inline int
RunOut(const std::string& args, std::string* out, std::string* err)
{
    const std::string outFile = Scratch("stdout");
    const int status =
        std::system((std::string(OFAB_BINARY) + " " + args + " >" + outFile + " 2>" + Scratch("stderr")).c_str());
    for (const auto& [file, text] : {std::pair{outFile, out}, std::pair{Scratch("stderr"), err}})
    {
        std::ifstream in(file);
        std::ostringstream s;
        s << in.rdbuf();
        *text = s.str();
        std::remove(file.c_str());
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline nlohmann::json
ReadJson(const std::string& path)
{
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

inline std::string
Status(const std::string& trace)
{
    ofab::Hdf5Handle f(H5Fopen(trace.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    ofab::Hdf5Handle meta(H5Gopen2(f.Id(), "meta", H5P_DEFAULT), H5Gclose, "open meta");
    ofab::Hdf5Handle attr(H5Aopen(meta.Id(), "status", H5P_DEFAULT), H5Aclose, "open status");
    ofab::Hdf5Handle type(H5Aget_type(attr.Id()), H5Tclose, "type");
    std::string value(H5Tget_size(type.Id()), '\0');
    H5Aread(attr.Id(), type.Id(), value.data());
    return value.substr(0, value.find('\0'));
}

/// The raw bytes of a dataset, for bit-for-bit comparison of two runs.
inline std::vector<char>
DatasetBytes(const std::string& trace, const char* name)
{
    ofab::Hdf5Handle f(H5Fopen(trace.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    ofab::Hdf5Handle d(H5Dopen2(f.Id(), name, H5P_DEFAULT), H5Dclose, "open dataset");
    ofab::Hdf5Handle type(H5Dget_type(d.Id()), H5Tclose, "type");
    ofab::Hdf5Handle space(H5Dget_space(d.Id()), H5Sclose, "space");
    const auto n = H5Sget_simple_extent_npoints(space.Id());
    std::vector<char> bytes(static_cast<std::size_t>(n) * H5Tget_size(type.Id()));
    if (!bytes.empty())
    {
        H5Dread(d.Id(), type.Id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
    }
    return bytes;
}

inline uint64_t
Rows(const std::string& trace, const char* name)
{
    ofab::Hdf5Handle f(H5Fopen(trace.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    ofab::Hdf5Handle d(H5Dopen2(f.Id(), name, H5P_DEFAULT), H5Dclose, "open dataset");
    ofab::Hdf5Handle space(H5Dget_space(d.Id()), H5Sclose, "space");
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(space.Id(), dims, nullptr);
    return dims[0];
}

} // namespace runtest
} // namespace ofab

#endif
