"""Read an ofab trace (docs/trace-format.md) into pandas DataFrames.

    import sys; sys.path.insert(0, "scripts")        # from the project root
    from ofab_trace import open_trace
    with open_trace("out/quickstart.h5") as t:
        tx = t.transactions()                         # one row per transaction
        print(t.summary["transactions"]["issued"], len(tx))

What the reader does for you: it refuses a file that is not an ofab trace, or one whose
`/meta@status` is not `complete` (unless `allow_incomplete=True`), with a clear TraceError; it
decodes HDF5 enumerations (`kind`, `status`, `state`, `role`) to pandas Categoricals of their names
(categories in the order of their values) and fixed-length byte strings to str; it parses the
summary JSON. Times are float64 nanoseconds of simulated time (`*_ns`), rates Gb/s (`*_gbps`),
sizes bytes, as in the trace.

Needs h5py, numpy and pandas (Debian: python3-h5py python3-numpy python3-pandas, which scripts/setup
installs; run it with /usr/bin/python3).
"""

import json

import h5py
import numpy as np
import pandas as pd

__all__ = ["TraceError", "Trace", "open_trace"]

# A reader for format 1.x reads any 1.y (minor versions only add things).
SUPPORTED_MAJOR = 1


class TraceError(Exception):
    """The file is not a readable ofab trace, or not one this reader may use (incomplete, newer major)."""


def _text(value):
    """A str from an HDF5 string (h5py gives fixed-length strings as bytes)."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _plain(value):
    """An attribute value as a plain Python value: bytes -> str, numpy scalar -> int / float."""
    if isinstance(value, (bytes, str)):
        return _text(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _column(dataset, rows, field):
    """One field of a table as a pandas-ready column: enum -> Categorical, byte string -> str."""
    values = rows[field]
    mapping = h5py.check_enum_dtype(dataset.dtype[field])
    if mapping:
        ordered = sorted(mapping.items(), key=lambda item: item[1])
        lookup = np.full(max(256, ordered[-1][1] + 1), -1, dtype=np.int64)  # value -> code; -1: unknown
        for code, (_, value) in enumerate(ordered):
            lookup[value] = code
        return pd.Categorical.from_codes(lookup[values.astype(np.int64)], [name for name, _ in ordered])
    if values.dtype.kind == "S":
        return np.char.decode(values, "utf-8", "replace").astype(object)
    return values


def table_frame(dataset):
    """A 1-D compound HDF5 dataset as a DataFrame, one column per field, enums and strings decoded."""
    rows = dataset[:]
    return pd.DataFrame({field: _column(dataset, rows, field) for field in dataset.dtype.names})


class Trace:
    """An open ofab trace. Use open_trace(); close() it, or use it in a `with` block.

    Attributes: path; meta (dict of /meta's attributes: str, int or float values; e.g. status,
    format_version, experiment, seed, config_yaml); status (meta["status"]); summary (dict: the
    summary JSON of `ofab run --summary-json`, from /summary/json, or /summary@json before 1.3).
    """

    def __init__(self, path, file):
        self.path = path
        self.file = file
        self.meta = {key: _plain(value) for key, value in file["meta"].attrs.items()}
        self.status = self.meta["status"]
        self.summary = self._read_summary()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Closes the HDF5 file; DataFrames already returned stay valid."""
        self.file.close()

    def _dataset(self, name):
        try:
            return self.file[name]
        except KeyError:
            raise TraceError(f"{self.path}: the trace has no /{name} (see docs/trace-format.md)") from None

    def _read_summary(self):
        group = self.file.get("summary")
        if group is None:
            return {}
        if "json" in group:
            stored = group["json"][()]
        elif "json" in group.attrs:
            stored = group.attrs["json"]
        else:  # an incomplete run: the headline attributes, if any
            return {key: _plain(value) for key, value in group.attrs.items()}
        try:
            return json.loads(_text(stored))
        except json.JSONDecodeError as e:
            raise TraceError(f"{self.path}: /summary/json is not valid JSON ({e})") from None

    def table(self, name):
        """Any table of the trace (e.g. "topology/nodes") as a DataFrame, enums and strings decoded."""
        return table_frame(self._dataset(name))

    def nodes(self):
        """/topology/nodes: id, role (Categorical: accelerator, switch), name."""
        return self.table("topology/nodes")

    def links(self):
        """/topology/links: id, a, b (node ids), port_a, port_b, length_m, capacity_gbps (per direction
        at the start), class; plus a_name and b_name, the names of the nodes at its ends."""
        links = self.table("topology/links")
        names = self._node_names()
        links["a_name"] = [names.get(int(n), str(n)) for n in links["a"]]
        links["b_name"] = [names.get(int(n), str(n)) for n in links["b"]]
        return links

    def transactions(self):
        """/transactions, one row per transaction: id, src, dst, kind and status (Categoricals), vc,
        bytes, hops, issue_ns, end_ns, latency_ns (NaN while in flight at the end)."""
        return self.table("transactions")

    def events(self):
        """/events, in the order they happened: time_ns, kind (Categorical), element, detail."""
        return self.table("events")

    def link_state(self):
        """/links/state, one row per change: time_ns, link, direction (0: a -> b, 1: b -> a), state
        (Categorical), usable_lines, capacity_gbps."""
        return self.table("links/state")

    def collectives(self):
        """/collectives, one row per operation: id, name, algorithm, ranks, bytes (per rank),
        start_ns, end_ns, time_ns, algbw_gbps, busbw_gbps, status (Categorical)."""
        return self.table("collectives")

    def iterations(self):
        """/iterations, one row per iteration of a workload graph (format 1.7; empty before):
        name, iteration, start_ns, end_ns, time_ns, status (Categorical), compute_ns,
        exposed_comm_ns, mean_exposed_comm_ns, critical_compute_ns, critical_comm_ns, operations,
        ended."""
        if "iterations" not in self.file:
            return pd.DataFrame(columns=["name", "iteration", "start_ns", "end_ns", "time_ns", "status"])
        return self.table("iterations")

    def link_throughput(self):
        """/links/throughput: Gb/s carried per link direction, averaged over each bin.

        Index `time_ns`: the start of each bin (bin i starts at i * bin_width_ns). One column per
        link direction, in the trace's order (2 * link + direction), named "a->b" by node names
        (direction 0 is a -> b, 1 is b -> a). The bin width is in the attribute bin_width_ns
        (self.bin_width_ns())."""
        data = self._dataset("links/throughput")
        values = data[:]
        links = self.links()
        columns = []
        for a, b in zip(links["a_name"], links["b_name"]):
            columns += [f"{a}->{b}", f"{b}->{a}"]
        if len(columns) != values.shape[1]:
            raise TraceError(f"{self.path}: /links/throughput has {values.shape[1]} columns for "
                             f"{len(links)} links (expected two per link)")
        index = pd.Index(np.arange(values.shape[0]) * self.bin_width_ns(), name="time_ns")
        return pd.DataFrame(values, index=index, columns=columns)

    def bin_width_ns(self):
        """The width of a /links/throughput bin, ns."""
        return float(self._dataset("links/throughput").attrs["bin_width_ns"])

    @property
    def kind(self):
        """"region" for a run over several sites (format 1.8), "fabric" for one fabric's run."""
        return self.meta.get("kind", "fabric")

    def region(self, name):
        """A table of a region's trace (self.kind == "region"): "sites", "lightpaths", "failures",
        "transfers" or "allreduce", enums and strings decoded (docs/trace-format.md, "A region's trace")."""
        return self.table("region/" + name)

    def region_throughput(self):
        """/region/throughput: Gb/s delivered from one site to another per bin; index `time_ns` (bin
        starts), one column per ordered site pair ("west->east")."""
        data = self._dataset("region/throughput")
        columns = _text(data.attrs["columns"]).split(",") if data.shape[1] else []
        index = pd.Index(np.arange(data.shape[0]) * float(data.attrs["bin_width_ns"]), name="time_ns")
        return pd.DataFrame(data[:], index=index, columns=columns)

    def _node_names(self):
        nodes = self.nodes()
        return dict(zip((int(i) for i in nodes["id"]), nodes["name"]))


def _open_hdf5(path):
    """A run that was killed (or is still running) left its file in HDF5's single-writer/multiple-
    reader mode: an ordinary open is refused, an SWMR reader sees every row flushed so far."""
    try:
        return h5py.File(path, "r")
    except OSError as e:
        if "already open for write" not in str(e):
            raise
        return h5py.File(path, "r", swmr=True)


def open_trace(path, allow_incomplete=False):
    """Opens an ofab trace for reading; returns a Trace.

    TraceError when the file cannot be read as HDF5, is not an ofab trace (no /meta@status), was
    written by a newer major format version, or its status is not `complete` (`running`: still
    being written, or killed; `incomplete: <reason>`) unless allow_incomplete is true.
    """
    try:
        file = _open_hdf5(path)
    except (OSError, ValueError) as e:
        raise TraceError(f"{path}: cannot read it as an HDF5 file ({e})") from None
    try:
        if "meta" not in file or "status" not in file["meta"].attrs:
            raise TraceError(f"{path}: not an ofab trace (no /meta@status)")
        trace = Trace(path, file)
        version = str(trace.meta.get("format_version", ""))
        major = version.split(".")[0]
        if not major.isdigit() or int(major) != SUPPORTED_MAJOR:
            raise TraceError(f"{path}: trace format {version!r}; this reader reads {SUPPORTED_MAJOR}.x")
        if trace.status != "complete" and not allow_incomplete:
            raise TraceError(f"{path}: the trace is {trace.status!r}, not 'complete' (a run stopped early, "
                             "killed or still running); open_trace(..., allow_incomplete=True) reads "
                             "what it holds")
        return trace
    except BaseException:
        file.close()
        raise
