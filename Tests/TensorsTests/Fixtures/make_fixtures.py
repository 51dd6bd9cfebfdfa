"""Writes the .npy and .npz files that Tests/TensorsTests/NPYTests.swift reads.

Run from this folder with NumPy installed (they were made with NumPy 2.4):

    python3 make_fixtures.py

Each file is small; the tests compare the values Backstep loads with the ones
written here, and Backstep's own .npy output with NumPy's byte for byte.
"""
import numpy as np
from numpy.lib import format as npformat

np.save("float64_2d.npy", np.array([[0.5, -1.25, 3.0], [1e-300, np.pi, -0.0]]))
np.save("special.npy", np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324]))
np.save("scalar.npy", np.array(3.5))
np.save("empty.npy", np.zeros((0, 3)))
np.save("float32.npy", np.array([1.5, -2.25, 0.1], dtype=np.float32))
np.save("float16.npy", np.array([1.0, -0.5, 65504.0, 6e-8, np.inf], dtype=np.float16))
np.save("int8.npy", np.array([-128, 0, 127], dtype=np.int8))
np.save("uint16.npy", np.array([0, 1, 65535], dtype=np.uint16))
np.save("int32.npy", np.array([[-2147483648, 7], [0, 2147483647]], dtype=np.int32))
np.save("int64.npy", np.array([[1, -2], [3, 2**53]], dtype=np.int64))
np.save("uint64.npy", np.array([0, 2**64 - 1], dtype=np.uint64))
np.save("bool.npy", np.array([True, False, True]))
np.save("fortran.npy", np.asfortranarray(np.arange(6.0).reshape(2, 3)))
np.save("bigendian.npy", np.arange(4.0).astype(">f8"))
np.save("bigendian_int32.npy", np.array([1, -2, 3], dtype=">i4"))

# The same array in the two later format versions (long headers, UTF-8 headers).
for version in [(2, 0), (3, 0)]:
    with open("version%d.npy" % version[0], "wb") as f:
        npformat.write_array(f, np.array([[1.0, 2.0], [3.0, 4.0]]), version=version)

# Types Backstep does not load: each gives a clear error.
np.save("complex.npy", np.array([1 + 2j]))
np.save("strings.npy", np.array(["ab", "c"]))
np.save("object.npy", np.array([None, 1], dtype=object), allow_pickle=True)
np.save("structured.npy", np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")]))

# A session as np.savez writes it (stored entries), and one compressed.
np.savez("savez.npz", x=np.array([[1.0, 2.0, 3.0]]), labels=np.array([0, 2, 1]))
np.savez_compressed("savez_compressed.npz", x=np.arange(3.0))
np.savez_compressed("savez_compressed_mixed.npz", W=np.arange(1200.0).reshape(40, 30) / 7,
                    labels=np.array([3, 1, 4, 1, 5]), flag=np.array(True))

# Sums as NumPy adds them (pairwise_sum), for ReductionTests: runs of each length around
# its block sizes, their sums, and the row and column sums of a matrix. In a folder of
# their own: the decoding tests try every truncation of the files beside this script.
rng = np.random.default_rng(7)
lengths = [5, 8, 15, 100, 128, 129, 1000, 1031]
runs = {"x%d" % n: rng.standard_normal(n) for n in lengths}
matrix = rng.standard_normal((3, 300))
np.savez("sums/sums.npz", **runs, expected=np.array([runs["x%d" % n].sum() for n in lengths]),
         matrix=matrix, row_sums=matrix.sum(axis=1), column_sums=matrix.sum(axis=0),
         mean=np.array(matrix.mean()))
