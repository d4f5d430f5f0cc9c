#ifndef OFAB_FABRIC_TRACE_HDF5_TABLE_H
#define OFAB_FABRIC_TRACE_HDF5_TABLE_H

#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ofab
{

class WriterThread;

/// An HDF5 call failed: the message names the file and what was being written.
class TraceError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

/// Owns one HDF5 identifier and closes it with the matching H5*close.
class Hdf5Handle
{
  public:
    using Closer = herr_t (*)(hid_t);
    Hdf5Handle() = default;
    Hdf5Handle(hid_t id, Closer closer, const std::string& what); ///< throws TraceError when id < 0
    Hdf5Handle(Hdf5Handle&& other) noexcept;
    Hdf5Handle& operator=(Hdf5Handle&& other) noexcept;
    Hdf5Handle(const Hdf5Handle&) = delete;
    Hdf5Handle& operator=(const Hdf5Handle&) = delete;
    ~Hdf5Handle();

    hid_t Id() const { return m_id; }
    void Close();
    /// Gives up ownership (for a close whose result matters); the handle is empty after.
    hid_t Release() noexcept;

  private:
    hid_t m_id = -1;
    Closer m_closer = nullptr;
};

/// Describes a compound row type field by field (name, offset in the C struct, HDF5 type).
class CompoundType
{
  public:
    explicit CompoundType(std::size_t rowSize);
    CompoundType& Add(const char* name, std::size_t offset, hid_t type);
    /// A fixed-length, NUL-padded string field of `length` bytes.
    CompoundType& AddString(const char* name, std::size_t offset, std::size_t length);
    /// A one-byte enumeration field with its value names, so h5py shows the names.
    CompoundType& AddEnum(const char* name, std::size_t offset, const std::vector<std::string>& names);

    hid_t Id() const { return m_type.Id(); }
    std::size_t RowSize() const { return m_rowSize; }

  private:
    Hdf5Handle m_type;
    std::size_t m_rowSize;
    std::vector<Hdf5Handle> m_fieldTypes; ///< kept open as long as the compound uses them
};

/**
 * A 1-D dataset of compound rows that grows as rows are appended: chunked, shuffled and deflated.
 * Rows are buffered and written one chunk at a time, so memory stays bounded however long the run.
 * With a `writer`, a full chunk is handed to that thread (compressed and written there) and the
 * caller goes on filling a fresh buffer; the table must then outlive the writer's queued jobs.
 */
class AppendableTable
{
  public:
    AppendableTable(hid_t parent, const std::string& name, const CompoundType& type, std::size_t chunkRows = 4096,
                    WriterThread* writer = nullptr);
    void Append(const void* row);
    void Flush();
    uint64_t Rows() const { return m_written + m_bufferedRows; }
    hid_t Id() const { return m_dataset.Id(); }

  private:
    Hdf5Handle m_dataset;
    Hdf5Handle m_memType; ///< the row layout in memory (a copy: the caller's CompoundType may go away)
    std::size_t m_rowSize;
    std::size_t m_chunkRows;
    std::vector<unsigned char> m_buffer;
    std::size_t m_bufferedRows = 0;
    uint64_t m_written = 0; ///< rows handed to HDF5 (or to the writer thread)
    std::string m_name;
    WriterThread* m_writer;
};

/// A 2-D dataset (rows x columns) of doubles that grows by whole rows: e.g. time bins x links.
/// A `writer` takes the full chunks, as for AppendableTable.
class AppendableMatrix
{
  public:
    AppendableMatrix(hid_t parent, const std::string& name, std::size_t columns, std::size_t chunkRows = 256,
                     WriterThread* writer = nullptr);
    void AppendRow(const double* values);
    void Flush();
    uint64_t Rows() const { return m_written + m_bufferedRows; }
    hid_t Id() const { return m_dataset.Id(); }

  private:
    Hdf5Handle m_dataset;
    std::size_t m_columns;
    std::size_t m_chunkRows;
    std::vector<double> m_buffer;
    std::size_t m_bufferedRows = 0;
    uint64_t m_written = 0;
    std::string m_name;
    WriterThread* m_writer;
};

/// Attributes on any HDF5 object (group or dataset); strings are stored as UTF-8 fixed-length.
void WriteAttribute(hid_t object, const std::string& name, const std::string& value);
/// A scalar dataset holding UTF-8 text: for text of any size (an attribute holds at most 64 KiB).
void WriteTextDataset(hid_t parent, const std::string& name, const std::string& value);
/// TraceError "cannot write the trace file PATH: <the OS's reason>" when `path` cannot be opened for
/// writing: asked of the OS first, whose reason ("Not a directory") is clearer than HDF5's. A file
/// that was not there is not left behind; one that was is left as it was.
void CheckTraceWritable(const std::string& path);
void WriteAttribute(hid_t object, const std::string& name, double value);
void WriteAttribute(hid_t object, const std::string& name, int64_t value);

} // namespace ofab

#endif
