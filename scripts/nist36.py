"""Reads the NIST36 .mat files of ./data/nist36 into numpy, for the reference
scripts (Debian's python3 has numpy but not scipy, whose scipy.io.loadmat
would do this).

The files are MATLAB level-5 MAT-files (MathWorks' "MAT-File Format", as
internal/data/mat.go reads them): a 128-byte header, then one zlib-compressed
element per variable, each a real numeric 2-D array stored column-major.
load(split) returns {name: array} with every such variable as float64, in
MATLAB's row order (train_data: 10716 x 1024 for the training split).
"""
import os
import struct
import zlib

import numpy as np

_TYPES = {1: np.int8, 2: np.uint8, 3: np.int16, 4: np.uint16, 5: np.int32,
          6: np.uint32, 7: np.float32, 9: np.float64, 12: np.int64, 13: np.uint64}


def _element(buf, pos):
    """Returns (type, data bytes, position after the element)."""
    t, n = struct.unpack_from("<II", buf, pos)
    if t >> 16:  # small data element: size and type in one word, data in the next 4 bytes
        return t & 0xFFFF, buf[pos + 4:pos + 4 + (t >> 16)], pos + 8
    data = buf[pos + 8:pos + 8 + n]
    return t, data, pos + 8 + (n + 7) // 8 * 8


def _matrix(body):
    """Parses a miMATRIX element's contents: (name, array) or None."""
    _, flags, pos = _element(body, 0)
    klass = struct.unpack_from("<I", flags)[0] & 0xFF
    _, dims, pos = _element(body, pos)
    dims = struct.unpack("<%di" % (len(dims) // 4), dims)
    _, name, pos = _element(body, pos)
    if len(dims) != 2 or klass in (1, 2, 3, 4, 5):  # cell, struct, object, char, sparse
        return None
    t, real, pos = _element(body, pos)
    a = np.frombuffer(real, dtype=_TYPES[t]).astype(np.float64)
    return name.decode(), a.reshape(dims[1], dims[0]).T  # column-major


def load(split, data_dir=None):
    """The variables of nist36_<split>.mat as float64 arrays."""
    data_dir = data_dir or os.path.join(os.path.dirname(__file__), "..", "data", "nist36")
    buf = open(os.path.join(data_dir, "nist36_%s.mat" % split), "rb").read()
    out, pos = {}, 128
    while pos < len(buf):
        t, n = struct.unpack_from("<II", buf, pos)
        body = buf[pos + 8:pos + 8 + n]
        pos += 8 + n  # compressed elements are not padded
        if t == 15:
            body = zlib.decompress(body)
            t, body, _ = _element(body, 0)
        else:
            pos = (pos + 7) // 8 * 8
        if t == 14:
            var = _matrix(body)
            if var:
                out[var[0]] = var[1]
    return out


if __name__ == "__main__":
    for split in ("train", "valid", "test"):
        for name, a in load(split).items():
            print(split, name, a.shape, a.dtype, float(a.min()), float(a.max()))
