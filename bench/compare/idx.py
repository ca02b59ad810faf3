"""Reads the MNIST IDX files (gzip or plain) into NumPy arrays; no torchvision, no download."""
import gzip
import os
import struct

import numpy as np

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def read_idx(path):
    """One IDX file of unsigned bytes (type 0x08) as an array of its shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    shape = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_mnist(folder, limit=None):
    """(train_x u8[n, 784], train_y u8[n], test_x u8[10000, 784], test_y u8[10000])."""
    def read(name):
        path = os.path.join(folder, name + ".gz")
        return read_idx(path if os.path.exists(path) else os.path.join(folder, name))

    tx, ty, vx, vy = (read(name) for name in FILES)
    if limit:
        tx, ty = tx[:limit], ty[:limit]
    return tx.reshape(len(tx), -1), ty, vx.reshape(len(vx), -1), vy
