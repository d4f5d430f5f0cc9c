#include "ofab/fabric/trace/hdf5-table.h"

#include "ofab/fabric/trace/writer-thread.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

namespace ofab
{

Hdf5Handle::Hdf5Handle(hid_t id, Closer closer, const std::string& what)
    : m_id(id),
      m_closer(closer)
{
    if (id < 0)
    {
        throw TraceError("HDF5: cannot " + what);
    }
}

Hdf5Handle::Hdf5Handle(Hdf5Handle&& other) noexcept
    : m_id(other.m_id),
      m_closer(other.m_closer)
{
    other.m_id = -1;
}

Hdf5Handle&
Hdf5Handle::operator=(Hdf5Handle&& other) noexcept
{
    if (this != &other)
    {
        Close();
        m_id = other.m_id;
        m_closer = other.m_closer;
        other.m_id = -1;
    }
    return *this;
}

Hdf5Handle::~Hdf5Handle()
{
    Close();
}

void
Hdf5Handle::Close()
{
    if (m_id >= 0 && m_closer)
    {
        m_closer(m_id);
    }
    m_id = -1;
}

hid_t
Hdf5Handle::Release() noexcept
{
    const hid_t id = m_id;
    m_id = -1;
    return id;
}

CompoundType::CompoundType(std::size_t rowSize)
    : m_type(H5Tcreate(H5T_COMPOUND, rowSize), H5Tclose, "create a compound type"),
      m_rowSize(rowSize)
{
}

CompoundType&
CompoundType::Add(const char* name, std::size_t offset, hid_t type)
{
    if (H5Tinsert(m_type.Id(), name, offset, type) < 0)
    {
        throw TraceError(std::string("HDF5: cannot add field ") + name);
    }
    return *this;
}

CompoundType&
CompoundType::AddString(const char* name, std::size_t offset, std::size_t length)
{
    Hdf5Handle s(H5Tcopy(H5T_C_S1), H5Tclose, "copy the string type");
    H5Tset_size(s.Id(), length);
    H5Tset_strpad(s.Id(), H5T_STR_NULLPAD);
    H5Tset_cset(s.Id(), H5T_CSET_UTF8);
    Add(name, offset, s.Id());
    m_fieldTypes.push_back(std::move(s));
    return *this;
}

CompoundType&
CompoundType::AddEnum(const char* name, std::size_t offset, const std::vector<std::string>& names)
{
    Hdf5Handle e(H5Tenum_create(H5T_NATIVE_UINT8), H5Tclose, "create an enum type");
    for (std::size_t i = 0; i < names.size(); ++i)
    {
        const uint8_t v = static_cast<uint8_t>(i);
        H5Tenum_insert(e.Id(), names[i].c_str(), &v);
    }
    Add(name, offset, e.Id());
    m_fieldTypes.push_back(std::move(e));
    return *this;
}

namespace
{

/// Chunked, shuffled and deflated dataset creation properties.
Hdf5Handle
ChunkedProperties(int rank, const hsize_t* chunk)
{
    Hdf5Handle p(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dataset properties");
    H5Pset_chunk(p.Id(), rank, chunk);
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0)
    {
        // Level 1: 1 % larger than level 4 on a transaction table, at a third of the work.
        H5Pset_shuffle(p.Id());
        H5Pset_deflate(p.Id(), 1);
    }
    return p;
}

void
ExtendAndWrite(hid_t dataset, hid_t memType, int rank, const hsize_t* start, const hsize_t* count, const void* data,
               const std::string& name)
{
    hsize_t newSize[2] = {start[0] + count[0], rank == 2 ? count[1] : 0};
    if (H5Dset_extent(dataset, newSize) < 0)
    {
        throw TraceError("HDF5: cannot grow dataset " + name);
    }
    Hdf5Handle fileSpace(H5Dget_space(dataset), H5Sclose, "get the space of " + name);
    H5Sselect_hyperslab(fileSpace.Id(), H5S_SELECT_SET, start, nullptr, count, nullptr);
    Hdf5Handle memSpace(H5Screate_simple(rank, count, nullptr), H5Sclose, "create a memory space");
    if (H5Dwrite(dataset, memType, memSpace.Id(), fileSpace.Id(), H5P_DEFAULT, data) < 0)
    {
        throw TraceError("HDF5: cannot write to dataset " + name + " (disk full?)");
    }
}

/// Writes the first `used` elements of `buffer` as the hyperslab (start, count): at once, or on the
/// writer thread, which then owns them while the caller gets a fresh buffer of the same size.
template <typename T>
void
WriteRows(WriterThread* writer, hid_t dataset, hid_t memType, int rank, const hsize_t* start, const hsize_t* count,
          std::vector<T>& buffer, std::size_t used, const std::string& name)
{
    if (!writer)
    {
        ExtendAndWrite(dataset, memType, rank, start, count, buffer.data(), name);
        return;
    }
    std::vector<T> rows(buffer.size());
    rows.swap(buffer);
    rows.resize(used);
    const std::array<hsize_t, 2> s{start[0], rank == 2 ? start[1] : 0};
    const std::array<hsize_t, 2> n{count[0], rank == 2 ? count[1] : 0};
    // `name` belongs to the table, which outlives the jobs it queued.
    writer->Post([dataset, memType, rank, s, n, rows = std::move(rows), &name] {
        ExtendAndWrite(dataset, memType, rank, s.data(), n.data(), rows.data(), name);
    });
}

} // namespace

AppendableTable::AppendableTable(hid_t parent, const std::string& name, const CompoundType& type, std::size_t chunkRows,
                                 WriterThread* writer)
    : m_memType(H5Tcopy(type.Id()), H5Tclose, "copy the row type of " + name),
      m_rowSize(type.RowSize()),
      m_chunkRows(chunkRows),
      m_name(name),
      m_writer(writer)
{
    const hsize_t dims[1] = {0};
    const hsize_t maxDims[1] = {H5S_UNLIMITED};
    const hsize_t chunk[1] = {chunkRows};
    Hdf5Handle space(H5Screate_simple(1, dims, maxDims), H5Sclose, "create a dataspace");
    Hdf5Handle props = ChunkedProperties(1, chunk);
    m_dataset =
        Hdf5Handle(H5Dcreate2(parent, name.c_str(), m_memType.Id(), space.Id(), H5P_DEFAULT, props.Id(), H5P_DEFAULT),
                   H5Dclose, "create dataset " + name);
    m_buffer.resize(m_rowSize * m_chunkRows);
}

void
AppendableTable::Append(const void* row)
{
    std::memcpy(m_buffer.data() + m_bufferedRows * m_rowSize, row, m_rowSize);
    if (++m_bufferedRows == m_chunkRows)
    {
        Flush();
    }
}

void
AppendableTable::Flush()
{
    if (m_bufferedRows == 0)
    {
        return;
    }
    const hsize_t start[1] = {m_written};
    const hsize_t count[1] = {m_bufferedRows};
    WriteRows(m_writer, m_dataset.Id(), m_memType.Id(), 1, start, count, m_buffer, m_bufferedRows * m_rowSize, m_name);
    m_written += m_bufferedRows;
    m_bufferedRows = 0;
}

AppendableMatrix::AppendableMatrix(hid_t parent, const std::string& name, std::size_t columns, std::size_t chunkRows,
                                   WriterThread* writer)
    : m_columns(columns),
      m_chunkRows(chunkRows),
      m_name(name),
      m_writer(writer)
{
    const hsize_t dims[2] = {0, columns};
    const hsize_t maxDims[2] = {H5S_UNLIMITED, columns};
    const hsize_t chunk[2] = {chunkRows, std::max<hsize_t>(1, columns)};
    Hdf5Handle space(H5Screate_simple(2, dims, maxDims), H5Sclose, "create a dataspace");
    Hdf5Handle props = ChunkedProperties(2, chunk);
    m_dataset =
        Hdf5Handle(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.Id(), H5P_DEFAULT, props.Id(), H5P_DEFAULT),
                   H5Dclose, "create dataset " + name);
    m_buffer.resize(m_columns * m_chunkRows);
}

void
AppendableMatrix::AppendRow(const double* values)
{
    std::copy(values, values + m_columns, m_buffer.begin() + m_bufferedRows * m_columns);
    if (++m_bufferedRows == m_chunkRows)
    {
        Flush();
    }
}

void
AppendableMatrix::Flush()
{
    if (m_bufferedRows == 0 || m_columns == 0)
    {
        m_bufferedRows = 0;
        return;
    }
    const hsize_t start[2] = {m_written, 0};
    const hsize_t count[2] = {m_bufferedRows, m_columns};
    WriteRows(m_writer, m_dataset.Id(), H5T_NATIVE_DOUBLE, 2, start, count, m_buffer, m_bufferedRows * m_columns,
              m_name);
    m_written += m_bufferedRows;
    m_bufferedRows = 0;
}

namespace
{
void
ReplaceAttribute(hid_t object, const std::string& name)
{
    if (H5Aexists(object, name.c_str()) > 0)
    {
        H5Adelete(object, name.c_str());
    }
}

void
WriteScalarAttribute(hid_t object, const std::string& name, hid_t fileType, hid_t memType, const void* value)
{
    ReplaceAttribute(object, name);
    Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar space");
    Hdf5Handle attr(H5Acreate2(object, name.c_str(), fileType, space.Id(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                    "create attribute " + name);
    if (H5Awrite(attr.Id(), memType, value) < 0)
    {
        throw TraceError("HDF5: cannot write attribute " + name);
    }
}
} // namespace

void
WriteAttribute(hid_t object, const std::string& name, const std::string& value)
{
    Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy the string type");
    H5Tset_size(type.Id(), std::max<std::size_t>(1, value.size()));
    H5Tset_cset(type.Id(), H5T_CSET_UTF8);
    WriteScalarAttribute(object, name, type.Id(), type.Id(), value.empty() ? "" : value.data());
}

void
WriteTextDataset(hid_t parent, const std::string& name, const std::string& value)
{
    Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy the string type");
    H5Tset_size(type.Id(), std::max<std::size_t>(1, value.size()));
    H5Tset_cset(type.Id(), H5T_CSET_UTF8);
    Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar space");
    Hdf5Handle set(H5Dcreate2(parent, name.c_str(), type.Id(), space.Id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   H5Dclose, "create dataset " + name);
    if (H5Dwrite(set.Id(), type.Id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, value.empty() ? "" : value.data()) < 0)
    {
        throw TraceError("HDF5: cannot write dataset " + name);
    }
}

void
WriteAttribute(hid_t object, const std::string& name, double value)
{
    WriteScalarAttribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void
WriteAttribute(hid_t object, const std::string& name, int64_t value)
{
    WriteScalarAttribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void
CheckTraceWritable(const std::string& path)
{
    std::error_code ignored;
    const bool existed = std::filesystem::exists(path, ignored);
    std::FILE* probe = std::fopen(path.c_str(), "ab"); // appends nothing: an existing file stays whole
    if (!probe)
    {
        throw TraceError("cannot write the trace file " + path + ": " + std::strerror(errno));
    }
    std::fclose(probe);
    if (!existed)
    {
        std::filesystem::remove(path, ignored);
    }
}

} // namespace ofab
