#include "ofab/fabric/trace/trace-meta.h"

#include <hdf5.h>

#include <vector>

namespace ofab
{

TraceMetaRead
ReadTraceMeta(const std::string& path, const std::string& name)
{
    TraceMetaRead read;
    // HDF5 would print its error stack for a foreign file: silence it for these calls only.
    H5E_auto2_t handler = nullptr;
    void* clientData = nullptr;
    H5Eget_auto2(H5E_DEFAULT, &handler, &clientData);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    if (H5Fis_hdf5(path.c_str()) > 0)
    {
        const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
        if (file >= 0)
        {
            read.isHdf5 = true;
            if (H5Aexists_by_name(file, "meta", name.c_str(), H5P_DEFAULT) > 0)
            {
                const hid_t attr = H5Aopen_by_name(file, "meta", name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
                const hid_t type = attr >= 0 ? H5Aget_type(attr) : -1;
                if (type >= 0 && H5Tget_class(type) == H5T_STRING && !H5Tis_variable_str(type))
                {
                    std::vector<char> text(H5Tget_size(type) + 1, '\0');
                    if (H5Aread(attr, type, text.data()) >= 0)
                    {
                        read.value = std::string(text.data());
                    }
                }
                if (type >= 0)
                {
                    H5Tclose(type);
                }
                if (attr >= 0)
                {
                    H5Aclose(attr);
                }
            }
            H5Fclose(file);
        }
    }
    H5Eset_auto2(H5E_DEFAULT, handler, clientData);
    return read;
}

} // namespace ofab
